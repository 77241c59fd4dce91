"""Spam mirrors: off-site hosts that copy a government site under identical paths, convert it
to Traditional characters and inject gambling advertisements.  A report read from one of them
must never be accepted (it is not on a gov.cn host)."""

from __future__ import annotations

from ..site import Request, Response, html_response, text_response

# enough Simplified -> Traditional pairs to change every report's headings and labels
_TRADITIONAL = str.maketrans({
    "国": "國", "务": "務", "开": "開", "报": "報", "县": "縣", "镇": "鎮", "区": "區", "门": "門", "处": "處",
    "条": "條", "发": "發", "会": "會", "体": "體", "总": "總", "计": "計", "结": "結", "转": "轉", "请": "請",
    "数": "數", "业": "業", "机": "機", "关": "關", "复": "復", "议": "議", "诉": "訴", "讼": "訟", "维": "維",
    "纠": "糾", "审": "審", "规": "規", "范": "範", "许": "許", "强": "強", "费": "費", "况": "況", "题": "題",
    "进": "進", "项": "項", "对": "對", "为": "為", "时": "時", "这": "這", "与": "與", "办": "辦", "单": "單",
    "网": "網", "站": "站", "页": "頁", "乡": "鄉", "财": "財", "政": "政", "经": "經", "济": "濟",
    "动": "動", "态": "態", "导": "導", "护": "護", "据": "據", "围": "圍", "积": "積", "极": "極", "认": "認",
})

SPAM = ('<div class="ad" style="position:fixed;top:0;left:0;width:100%;background:#c00;color:#fff">'
        '【葡京娛樂城】真人荷官在線發牌，註冊即送88元彩金，首存再送100%！'
        '<a href="/" style="color:#ff0">立即進入</a></div>')


class MirrorSite:
    family = "mirror"

    def __init__(self, host: str, source):
        self.host = host
        self.key = host.split(".")[1]
        self.title = host
        self.source = source
        self.reports: list = []
        self.missing: list = []
        self.plan = None

    def respond(self, req: Request) -> Response:
        if req.path == "/robots.txt":
            return text_response("User-agent: *\nAllow: /\n")
        copy = self.source.respond(Request("GET", self.source.host, req.target, dict(req.headers), b""))
        ctype = copy.headers.get("Content-Type", "")
        if copy.status != 200 or not ctype.startswith("text/html"):
            return html_response("<html><head><meta charset=\"utf-8\"></head><body>" + SPAM + "<p>404</p></body></html>", 404)
        try:
            text = copy.body.decode("utf-8")
        except UnicodeDecodeError:
            text = copy.body.decode("gbk", "replace")
        text = text.translate(_TRADITIONAL).replace("<body>", "<body>\n" + SPAM, 1)
        return html_response(text)

    def reindex(self) -> None:
        pass
