"""One module per portal family (CMS); each builds a site of its own on a host of its own.

``FAMILIES`` names the families ``build_portal(families=...)`` accepts, in the order their
sites are built.
"""

FAMILIES = ("ganzhou", "trs", "hanweb", "gkmlpt")

HOSTS = {
    "ganzhou": "www.huichang.gov.cn",
    "trs": "www.hukou.gov.cn",
    "hanweb": "www.shangyu.gov.cn",
    "gkmlpt": "www.sgwjq.gov.cn",
}
