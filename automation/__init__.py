"""shopbook: checks, reconciles and reports on a Taobao/Tmall shop's own spreadsheets."""

__version__ = "0.1.0"
