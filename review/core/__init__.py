"""The engine: records -> loading -> derived -> facts -> conditions -> rules -> matcher ->
findings -> evaluate. Imports nothing from services, store, ui or packet."""
