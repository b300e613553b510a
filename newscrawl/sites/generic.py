"""The generic profile: any news site, nothing known beforehand (what the ``news`` spider reads
a site it has no profile for with)."""

from __future__ import annotations

from newscrawl.sites.profile import SiteProfile

PROFILE = SiteProfile()
