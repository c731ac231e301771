"""ungeindsats: nøgletal, benchmark, økonomi og styring for unge på offentlig forsørgelse."""

__version__ = "0.1.0"
