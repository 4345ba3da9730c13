"""Guided flows: YAML definitions, validation, and the step engine (state lives in sessions)."""

from bot.flows.engine import FlowEngine, FlowTurn
from bot.flows.loader import Flow, FlowError, Step, load_flows

__all__ = ["Flow", "FlowEngine", "FlowError", "FlowTurn", "Step", "load_flows"]
