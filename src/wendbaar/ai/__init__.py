"""The AI engine. Capabilities use `wendbaar.ai.services`: embed, generate, extract, transcribe."""
