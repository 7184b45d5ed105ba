"""Golden transcripts: what a shopper sends, and what arrives at the fake provider.

A transcript is a text file for one channel:

    # Greeting in Brazilian Portuguese   @channel=whatsapp @from=+5511987654321
    > oi, tudo bem?
    < Oi, Ana! Bem-vindo(a) à Souk Demo Shop. Como posso ajudar hoje?
      ...continuation lines of the same message, indented by two spaces
    > [shop]                  taps the button whose payload is "shop" (Telegram, WhatsApp)
    ! directive arguments     runs a step registered in DIRECTIVES (payments, merchant events)

Invisible bidi controls in replies are written as tags (<RLM>, <FSI>, <PDI>...), so a
right-to-left golden shows exactly where they are.

`>` lines are sent as signed provider webhooks; every message the fake provider
receives after a step becomes `<` lines. Replies are compared as a whole; run
pytest with --update-goldens to rewrite the `<` lines, and review the diff.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support import post_telegram, post_twilio, run_jobs, telegram_update, twilio_form

HEADER = re.compile(r"@(\w+)=(\S+)")
DIRECTORY = Path(__file__).parent


@dataclass
class Transcript:
    """A parsed transcript file."""

    path: Path
    title: str
    options: dict[str, str]
    steps: list[tuple[str, str]] = field(default_factory=list)  # (">" | "!", text)

    @property
    def channel(self) -> str:
        return self.options.get("channel", "whatsapp")

    @property
    def sender(self) -> str:
        default = "424242" if self.channel == "telegram" else "+14155550123"
        return self.options.get("from", default)


def load(path: Path) -> Transcript:
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or not lines[0].startswith("#"):
        raise ValueError(f"{path.name}: the first line must be '# title @channel=...'")
    head = lines[0][1:]
    options = dict(HEADER.findall(head))
    transcript = Transcript(path, HEADER.sub("", head).strip(), options)
    for line in lines[1:]:
        if line.startswith("> ") or line.startswith("! "):
            transcript.steps.append((line[0], line[2:]))
    return transcript


def render(transcript: Transcript, replies: list[list[str]]) -> str:
    """The transcript's text with `replies[i]` after step i."""
    out = [f"# {transcript.title}  " + " ".join(f"@{k}={v}" for k, v in
                                                 transcript.options.items())]
    for (kind, text), lines in zip(transcript.steps, replies, strict=True):
        out.append(f"{kind} {text}")
        out.extend(lines)
    return "\n".join(out) + "\n"


# -- what the fakes received, as transcript lines --------------------------------------

# Bidi controls are invisible; a golden must show them to be reviewed (channels/bidi.py).
VISIBLE = str.maketrans({
    "\u200e": "<LRM>", "\u200f": "<RLM>", "\u2066": "<LRI>", "\u2067": "<RLI>",
    "\u2068": "<FSI>", "\u2069": "<PDI>",
})


def _message_lines(first: str, rest: list[str]) -> list[str]:
    lines = [f"< {first}"] + [f"  {line}" if line else "" for line in rest]
    return [line.translate(VISIBLE) for line in lines]


def twilio_lines(message: Any) -> list[str]:
    if message.get("ContentSid"):
        variables = message.get("ContentVariables") or "{}"
        return [f"< [template {message.get('ContentSid')} {variables}]"]
    body = (message.body or "").split("\n")
    lines = _message_lines(body[0], body[1:])
    for url in message.media_urls:
        lines.append(f"  [media {url}]")
    return lines


def telegram_lines(call: Any) -> list[str]:
    params = call.params
    if call.method == "sendPhoto":
        caption = str(params.get("caption") or "").split("\n")
        lines = _message_lines(f"[photo {params.get('photo')}] {caption[0]}".rstrip(), caption[1:])
    else:
        text = str(params.get("text") or "").split("\n")
        lines = _message_lines(text[0], text[1:])
    markup = params.get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    for row in (markup or {}).get("inline_keyboard", []):
        lines.append("  " + " ".join(
            f"[{b['text']}]" + (f"({b['url']})" if b.get("url") else "") for b in row
        ).translate(VISIBLE))
    return lines


# -- replaying -------------------------------------------------------------------------

Directive = Callable[["Replay", str], None]
DIRECTIVES: dict[str, Directive] = {}


def directive(name: str) -> Callable[[Directive], Directive]:
    """Register a `! name args` step (e.g. a payment succeeding, a merchant event)."""

    def register(fn: Directive) -> Directive:
        DIRECTIVES[name] = fn
        return fn

    return register


@dataclass
class Replay:
    """Drives one transcript through the app and the fake providers."""

    transcript: Transcript
    rt: Any
    client: Any
    twilio: Any
    telegram: Any
    seen: int = 0

    def send(self, text: str) -> None:
        tap = re.fullmatch(r"\[(.+)\]", text)
        channel, sender = self.transcript.channel, self.transcript.sender
        if channel == "telegram":
            update = telegram_update(int(sender), None if tap else text,
                                     data=tap.group(1) if tap else None)
            response = post_telegram(self.client, update)
        else:
            frm = f"whatsapp:{sender}" if channel == "whatsapp" else sender
            extra = {"ButtonPayload": tap.group(1), "ButtonText": tap.group(1)} if tap else {}
            form = twilio_form(frm, tap.group(1) if tap else text, **extra)
            response = post_twilio(self.client, self.twilio.auth_token, form)
        assert response.status_code == 200, response.get_data(as_text=True)

    def received(self) -> list[str]:
        """The lines for every message the provider got since the last call."""
        if self.transcript.channel == "telegram":
            calls = [c for c in self.telegram.sent
                     if c.method in ("sendMessage", "sendPhoto")
                     and c.chat_id == self.transcript.sender]
            new, self.seen = calls[self.seen:], len(calls)
            return [line for call in new for line in telegram_lines(call)]
        to = (f"whatsapp:{self.transcript.sender}" if self.transcript.channel == "whatsapp"
              else self.transcript.sender)
        messages = [m for m in self.twilio.messages if m.to == to]
        new, self.seen = messages[self.seen:], len(messages)
        return [line for m in new for line in twilio_lines(m)]

    def run(self) -> str:
        replies = []
        for kind, text in self.transcript.steps:
            if kind == ">":
                self.send(text)
            else:
                name, _, args = text.partition(" ")
                if name not in DIRECTIVES:
                    raise KeyError(f"{self.transcript.path.name}: unknown directive {name!r}")
                DIRECTIVES[name](self, args)
            run_jobs(self.rt)
            replies.append(self.received())
        return render(self.transcript, replies)
