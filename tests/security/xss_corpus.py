"""Script-injection payloads for article text: scripts, event handlers, javascript:/data: links, frames,
forms, objects, entity and case tricks, mutation-XSS. Each one, were it to run, opens a dialog or writes
its own marker (`xss-N`) to the console, which the browser tests listen for."""
from __future__ import annotations

import textwrap

PAYLOADS: tuple[str, ...] = (
    "<script>alert('xss-1')</script>",
    "<img src=x onerror=\"alert('xss-2')\">",
    "<svg onload=\"alert('xss-3')\"><circle r=\"4\"/></svg>",
    "<iframe src=\"javascript:alert('xss-4')\"></iframe>",
    "<iframe srcdoc=\"&lt;script&gt;alert('xss-5')&lt;/script&gt;\"></iframe>",
    "[markdown javascript link](javascript:alert('xss-6'))",
    "<a href=\"javascript:alert('xss-7')\">raw javascript link</a>",
    "<a href=\"jav&#x09;ascript:alert('xss-8')\">tab-split scheme</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert('xss-9')\">entity scheme</a>",
    "[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgneHNzLTEwJyk8L3NjcmlwdD4=)",
    "<a href=\"data:text/html,<script>alert('xss-11')</script>\">raw data link</a>",
    "<form action=\"javascript:alert('xss-12')\"><button formaction=\"javascript:alert('xss-12')\">Go</button></form>",
    "<input autofocus onfocus=\"alert('xss-13')\">",
    "<details open ontoggle=\"alert('xss-14')\"><summary>toggle</summary></details>",
    "<object data=\"javascript:alert('xss-15')\"></object><embed src=\"javascript:alert('xss-15')\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=\"alert('xss-16')\">"
    "</style></mglyph></table></mtext></math>",
    "&lt;script&gt;alert('xss-17')&lt;/script&gt;",
    "<a href=\"JaVaScRiPt:alert('xss-18')\">odd case</a>",
    "<p style=\"background:url(javascript:alert('xss-19'))\" onclick=\"alert('xss-19')\">styled</p>",
    "<base href=\"javascript:alert('xss-20')//\">"
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('xss-20')\">",
)
MARKERS = tuple(f"xss-{n}" for n in range(1, 21))


def hostile_article(title: str = "Hostile article") -> str:
    """An article that puts every payload where the Guide and Docs QA show text: the title, error and
    cause headings, prose, a callout, a table, numbered steps and the error's own section."""
    prose = "\n\n".join(PAYLOADS)
    steps = "\n".join(f"{n}. Step {payload}" for n, payload in enumerate(PAYLOADS[:6], 1))
    rows = "\n".join(f"| {payload.replace('|', '&#124;')} | row |" for payload in PAYLOADS[6:12])
    return textwrap.dedent("""\
        ---
        title: {title} <script>alert('xss-1')</script>
        ms.date: 01/15/2025
        ---

        # {title} <img src=x onerror="alert('xss-2')">

        ## <a name="xsserror"></a>XssError - <svg onload="alert('xss-3')"> headings too

        **Error code**: XssError<br>
        **Error message**: <a href="javascript:alert('xss-7')">message link</a>

        {prose}

        Check these causes in order:

        - **Cause 1: [Payloads everywhere <img src=x onerror="alert('xss-2')">](#payloads)**

        ## Causes and solutions

        ### <a name="payloads"></a>Payloads everywhere <img src=x onerror="alert('xss-2')">

        > [!NOTE]
        > {callout}

        | Payload | Kind |
        |---|---|
        {rows}

        {steps}

        {prose}

        ##### Jumped heading level {first}
        """).format(title=title, prose=prose, callout=" ".join(PAYLOADS[:5]), rows=rows, steps=steps,
                    first=PAYLOADS[0])
