"""The project's spiders; ``scrapy list`` names them."""
