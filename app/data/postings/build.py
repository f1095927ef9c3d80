#!/usr/bin/env python3
"""Builds whoishiring-zh.jsonl.gz, the job postings the embedded default
loads on first start, from the shared corpus (../shared/data/job-postings/
whoishiring-zh/*.json, darknight/whoishiring-insight `data/parsed/`).

One posting per line: {title, company, location, body, url, posted_at,
source, source_id}. `contact` and `author` are never copied, and e-mail
addresses, phone numbers and WeChat/QQ ids are removed from the text.

    python3 app/data/postings/build.py [corpus dir] [output]
"""

import glob
import gzip
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "../../../../shared/data/job-postings/whoishiring-zh")
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "whoishiring-zh.jsonl.gz")

EMAIL = re.compile(
    r"[A-Za-z0-9._%+\-]+\s*(?:@|＠|\s(?:at|AT)\s|[\[(（{]\s*(?:at|@)\s*[\])）}])\s*\[?[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
    re.IGNORECASE,
)
# `name#example.com`, but never `C#.NET`.
EMAIL_HASH = re.compile(r"[A-Za-z0-9._%+\-]{2,}#[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.(?:com|cn|net|org|io|co|me|ai)\b", re.IGNORECASE)
PHONE = re.compile(r"(?<![\w.])(?:\+?\d{1,3}[\s\-]?)?(?:1[3-9]\d[\s\-]?\d{4}[\s\-]?\d{4}|0\d{1,2}[\s\-]\d{3,4}[\s\-]\d{4})(?![\w.])")
WECHAT = re.compile(
    r"(微信号?|微信|wechat|weixin|vx|wx|v信|QQ群?|qq|电话|手机|联系人|联系方式|tel|phone)(\s*(?:号|ID|id)?\s*[:：]?\s*)([A-Za-z0-9_\-]{5,})",
    re.IGNORECASE,
)


IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|<img[^>]*>", re.IGNORECASE)


def redact(text):
    text = EMAIL_HASH.sub("[email removed]", EMAIL.sub("[email removed]", text))
    text = WECHAT.sub(lambda m: m.group(1) + m.group(2) + "[id removed]", text)
    text = PHONE.sub("[phone removed]", text)
    return text


QUERY = re.compile(r"(https?://[^\s?#)\]]+)[?#][^\s)\]]*")
SPACE = re.compile(r"[ \t\u3000]+")
BLANK = re.compile(r"\n\s*\n+")
BODY_MAX = 6000


def clean(text):
    """Images (QR codes of personal accounts, mostly) and link query strings
    (tracking, share ids) go; runs of blanks shrink; a body is cut at
    6,000 characters (the 99th percentile is about 5,000). The words stay."""
    text = QUERY.sub(r"\1", IMAGE.sub("", text))
    text = BLANK.sub("\n\n", SPACE.sub(" ", text)).strip()
    return redact(text)[:BODY_MAX]


def main():
    files = sorted(glob.glob(os.path.join(CORPUS, "*.json")))
    if not files:
        sys.exit(f"no corpus at {CORPUS}")
    rows = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            issue = json.load(f)
        for p in issue.get("postings", []):
            body = (p.get("rawContent") or "").replace("\r\n", "\n")
            if not body.strip():
                continue
            titles = [x.get("title") for x in (p.get("positions") or []) if x.get("title")]
            title = " / ".join(dict.fromkeys(titles))[:200] or body.strip().splitlines()[0][:200]
            month = p.get("yearMonth") or issue.get("yearMonth")
            rows.append(
                {
                    "title": redact(title),
                    "company": p.get("company") or None,
                    "location": " / ".join(p.get("location") or []) + (" / remote" if p.get("isRemote") else ""),
                    "body": clean(body),
                    "url": f"https://github.com/ruanyf/weekly/issues/{p['issueNumber']}#issuecomment-{p['commentId']}",
                    "posted_at": f"{month}-01" if month else None,
                    "source": "whoishiring-zh",
                    "source_id": p["id"],
                }
            )
    rows.sort(key=lambda r: (r["posted_at"] or "", r["source_id"]))
    with gzip.GzipFile(OUT, "wb", compresslevel=9, mtime=0) as out:
        for r in rows:
            out.write(json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n")
    print(f"{len(rows)} postings from {len(files)} files -> {OUT} ({os.path.getsize(OUT):,} bytes)")


if __name__ == "__main__":
    main()
