"""The project's spiders; ``scrapy list`` names them."""


class SpiderArgumentError(ValueError):
    """A spider argument (``-a name=value``) is missing, unknown or malformed."""
