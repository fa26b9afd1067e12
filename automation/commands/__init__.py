"""One module per `shopbook` subcommand; each exposes a click command or group named `command`."""
