"""Several instances on one database: leases, claim renewal, takeover, once-only daily jobs."""
