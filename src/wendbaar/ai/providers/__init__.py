"""The providers behind the engine: `embedded` (this machine) and `openai` (a model server)."""
