"""dvcbot: Trợ lý Dịch vụ công, an assistant for Vietnamese online public services."""

__version__ = "0.1.0"
