#!/usr/bin/env python3
"""Writes examples/demo/showcase.mbox: hand-written messages that show what
larch renders (written for this repository; no third-party mail).
Run: python3 examples/demo/make_showcase.py > examples/demo/showcase.mbox"""
import base64, binascii, struct, sys, zlib

def enc(s, cs):
    return f"=?{cs}?b?{base64.b64encode(s.encode(cs)).decode()}?="

def png(w, h, rgb):
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))

PNG = base64.encodebytes(png(96, 64, (46, 125, 50))).decode()
msgs = []
def m(frm, date, subj, mid, body, extra="", ctype="text/plain; charset=utf-8", cte="8bit"):
    hdr = f"From: {frm}\nTo: Salon <salon@lists.example.org>\nDate: {date}\nSubject: {subj}\n"
    if mid:
        hdr += f"Message-ID: <{mid}>\n"
    hdr += extra
    hdr += f"MIME-Version: 1.0\nContent-Type: {ctype}\nContent-Transfer-Encoding: {cte}\nList-Id: Salon <salon.lists.example.org>\n"
    msgs.append((frm, date, hdr + "\n" + body))

m("Ada Lovelace <ada@example.org>", "Mon, 6 Jan 2025 09:00:00 +0000",
  "[Salon] Welcome to the larch demo list", "welcome@example.org",
  "Hello everyone,\n\nThis list shows what larch does with real mail. Have a look at\nhttps://example.org/larch and tell us what you think.\n\nThe archive keeps every message byte for byte; pages are derived.\n\n-- \nAda\n")
m("Charles Babbage <charles@example.org>", "Mon, 6 Jan 2025 10:15:00 +0000",
  "Re: [Salon] Welcome to the larch demo list", "reply1@example.org",
  "On Mon, 6 Jan 2025, Ada Lovelace wrote:\n> Hello everyone,\n>\n> This list shows what larch does with real mail.\n\nThis reply is format=flowed: this long paragraph was sent as several \nshort lines that end with a space, and larch joins them back into one \nparagraph, as RFC 3676 says.\n\n> > Nested quotes get their own colour.\n\nCheers,\nCharles\n",
  extra="In-Reply-To: <welcome@example.org>\nReferences: <welcome@example.org>\n", ctype="text/plain; charset=utf-8; format=flowed")
m("Grace Hopper <grace@example.org>", "Tue, 7 Jan 2025 08:30:00 -0500",
  "[PATCH] render: keep diffstat lines", "patch1@example.org",
  "A small fix.\n\n---\n render/body.rs | 4 ++--\n 1 file changed, 2 insertions(+), 2 deletions(-)\n\ndiff --git a/render/body.rs b/render/body.rs\nindex 1111111..2222222 100644\n--- a/render/body.rs\n+++ b/render/body.rs\n@@ -1,4 +1,4 @@\n fn main() {\n-    println!(\"old\");\n+    println!(\"new\");\n }\n-- \n2.47.0\n",
  extra="In-Reply-To: <welcome@example.org>\nReferences: <welcome@example.org>\n")
html = ("<html><head><style>body{background:red}</style><script>alert('x')</script></head><body>"
        "<h2>Salon newsletter</h2><p onclick=\"alert(1)\">This message was sent as <b>HTML only</b>. "
        "larch sanitizes it with an allow-list: no scripts, no styles, no forms.</p>"
        "<p><img src=\"https://tracker.example.com/pixel.png\" alt=\"tracking pixel\"> Remote images are blocked by default.</p>"
        "<table border=\"1\"><tr><th>Talk</th><th>Speaker</th></tr><tr><td>Threads</td><td>Ada</td></tr></table>"
        "<p><a href=\"javascript:alert(1)\">a javascript: link</a> and <a href=\"https://example.org/\">a real one</a>.</p>"
        "<form action=\"https://evil.example\"><input name=q></form></body></html>")
m("Salon Newsletter <news@example.org>", "Wed, 8 Jan 2025 12:00:00 +0100",
  "[Salon] January newsletter (HTML only)", "news1@example.org",
  base64.encodebytes(html.encode()).decode(), ctype="text/html; charset=utf-8", cte="base64")
b = "BOUNDARY-alt-1"
m("Linus Example <linus@example.org>", "Thu, 9 Jan 2025 18:00:00 +0200",
  "[Salon] Both text and HTML", "alt1@example.org",
  f"--{b}\nContent-Type: text/plain; charset=utf-8\n\nThis message has a text part and an HTML part;\nlarch shows the text, as a real alternative.\n\n--{b}\nContent-Type: text/html; charset=utf-8\n\n<p>This message has a <i>text</i> part and an HTML part.</p>\n--{b}--\n",
  ctype=f"multipart/alternative; boundary=\"{b}\"")
b = "BOUNDARY-mixed-1"
svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script><circle r=\"5\"/></svg>"
m("Mary Somerville <mary@example.org>", "Fri, 10 Jan 2025 11:11:00 +0000",
  "[Salon] Slides and a picture", "att1@example.org",
  f"--{b}\nContent-Type: text/plain; charset=utf-8\n\nSlides attached, and a tiny picture.\n\n--{b}\nContent-Type: image/png; name=\"larch.png\"\nContent-Disposition: inline; filename=\"larch.png\"\nContent-Transfer-Encoding: base64\n\n{PNG}\n--{b}\nContent-Type: application/pdf; name=\"slides.pdf\"\nContent-Disposition: attachment; filename=\"slides.pdf\"\nContent-Transfer-Encoding: base64\n\n{base64.b64encode(b'%PDF-1.4 demo').decode()}\n--{b}\nContent-Type: image/svg+xml; name=\"diagram.svg\"\nContent-Disposition: attachment; filename*=utf-8''..%2F..%2Fdiagram%E2%80%AEgvs.svg\n\n{svg}\n--{b}--\n",
  ctype=f"multipart/mixed; boundary=\"{b}\"")
b = "BOUNDARY-fwd-1"
m("Ada Lovelace <ada@example.org>", "Sat, 11 Jan 2025 09:45:00 +0000",
  "[Salon] Fwd: an older message", "fwd1@example.org",
  f"--{b}\nContent-Type: text/plain; charset=utf-8\n\nForwarding this for the archive.\n\n--{b}\nContent-Type: message/rfc822\n\nFrom: Alan Turing <alan@example.org>\nDate: Mon, 1 Dec 2024 10:00:00 +0000\nSubject: Machines that think\nTo: ada@example.org\n\nA nested message, shown with its own headers.\n--{b}--\n",
  ctype=f"multipart/mixed; boundary=\"{b}\"")
uu = "begin 644 hello.txt\n" + binascii.b2a_uu(b"Hello, world").decode() + "`\nend\n"
m("Old Timer <old@example.org>", "Sun, 12 Jan 2025 20:00:00 +0000",
  "[Salon] uuencoded file, the old way", "uu1@example.org",
  "Here is a file the way we sent them in 1995:\n\n" + uu + "\nEnjoy.\n")
m(f"{enc('Юрий Гагарин', 'koi8-r')} <yuri@example.org>", "Mon, 13 Jan 2025 07:00:00 +0300",
  enc("[Salon] Привет из Москвы", "koi8-r"), "ru1@example.org",
  "Текст письма в KOI8-R.\n".encode("koi8-r").decode("latin-1"), ctype="text/plain; charset=koi8-r")
m(f"{enc('李白', 'gb2312')} <li@example.org>", "Mon, 13 Jan 2025 15:00:00 +0800",
  enc("[Salon] 你好，世界", "gb2312"), "zh1@example.org",
  "这是一封中文邮件。\n".encode("gb2312").decode("latin-1"), ctype="text/plain; charset=gb2312")
jp = " ".join("=?ISO-2022-JP?B?" + base64.b64encode(w.encode("iso-2022-jp")).decode() + "?=" for w in ["日本語の", "件名"])
m("Sei Shonagon <sei@example.org>", "Tue, 14 Jan 2025 10:00:00 +0900", jp, "jp1@example.org",
  "日本語の本文です。\n".encode("iso-2022-jp").decode("latin-1"), ctype="text/plain; charset=iso-2022-jp", cte="7bit")
m(f"{enc('Zoë Ångström', 'iso-8859-1')} <zoe@example.org>", "Tue, 14 Jan 2025 12:00:00 +0100",
  enc("[Salon] Café, crème brûlée et façade", "iso-8859-1"), "fr1@example.org",
  "Accents latins : é è ê ë à ç.\n".encode("latin-1").decode("latin-1"), ctype="text/plain; charset=iso-8859-1")
m("Charles Babbage <charles@example.org>", "Wed, 15 Jan 2025 09:00:00 +0000",
  "Re: [Salon] Slides and a picture", "related1@example.org",
  "My mail client dropped the reply headers, so larch cannot know this\nreplies to Mary's message. It shows it as its own thread, with a\n'maybe related' link, instead of guessing.\n")
m("No Id <noid@example.org>", "a broken date header", "[Salon] A message without Message-ID", None,
  "This message has no Message-ID and a broken Date. larch synthesizes a\nstable id and files it by the mbox From_ line date.\n")

out = sys.stdout
for frm, date, text in msgs:
    addr = frm.split("<")[-1].rstrip(">") if "<" in frm else frm
    out.write(f"From {addr} Wed Jan 15 12:00:00 2025\n")
    for line in text.split("\n"):
        if line.lstrip(">").startswith("From "):
            line = ">" + line
        out.write(line + "\n")
    out.write("\n")
