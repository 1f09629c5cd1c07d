"""The one error type for bad input: printed by the CLI as ``FILE: dotted.path: message``."""


class ConfigError(Exception):
    """Bad input (scenario, experiment, option or output directory), located by file and path."""

    def __init__(self, file: str, path: str, message: str):
        self.file = str(file)
        self.path = path
        self.message = message
        super().__init__(f"{self.file}: {path}: {message}")
