"""Transcript steps for what a shopper sends besides words, and for an agent's reply.

    ! photo [caption]            a photo (an MMS by SMS)
    ! location LAT LON [label]   a shared location (WhatsApp, Telegram)
    ! contact PHONE              a shared contact (a vCard on WhatsApp)
    ! agent TEXT                 a person's reply, written to the outbox as the console will
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.models import Conversation
from channels.base import Outgoing
from tests.support import post_telegram, post_twilio, telegram_update, twilio_form
from tests.transcripts.replay import Replay, directive
from workers.jobs import add_reply
from workers.queues import enqueue_send

MEDIA = ("https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000000/"
         "Messages/MM{n:032d}/Media/ME{n:032d}")


def _twilio(replay: Replay, body: str, **extra: str) -> None:
    sender = replay.transcript.sender
    frm = f"whatsapp:{sender}" if replay.transcript.channel == "whatsapp" else sender
    form = twilio_form(frm, body, **extra)
    response = post_twilio(replay.client, replay.twilio.auth_token, form)
    assert response.status_code == 200, response.get_data(as_text=True)


def _telegram(replay: Replay, **fields: Any) -> None:
    update = telegram_update(int(replay.transcript.sender), None)
    del update["message"]["text"]
    update["message"].update(fields)
    response = post_telegram(replay.client, update)
    assert response.status_code == 200, response.get_data(as_text=True)


@directive("photo")
def photo(replay: Replay, caption: str) -> None:
    if replay.transcript.channel == "telegram":
        sizes = [{"file_id": "AgACAgEAAxkBAAMPZ1large", "file_unique_id": "AQADlarge",
                  "width": 1280, "height": 960}]
        _telegram(replay, photo=sizes, **({"caption": caption} if caption else {}))
    else:
        _twilio(replay, caption, NumMedia="1", MediaUrl0=MEDIA.format(n=1),
                MediaContentType0="image/jpeg")


@directive("location")
def location(replay: Replay, args: str) -> None:
    latitude, longitude, *label = args.split()
    if replay.transcript.channel == "telegram":
        _telegram(replay, location={"latitude": float(latitude), "longitude": float(longitude)})
    elif replay.transcript.channel == "whatsapp":
        _twilio(replay, "", Latitude=latitude, Longitude=longitude, Label=" ".join(label),
                MessageType="location")
    else:
        raise ValueError("SMS cannot share a location")


@directive("contact")
def contact(replay: Replay, phone: str) -> None:
    if replay.transcript.channel == "telegram":
        _telegram(replay, contact={"phone_number": phone, "first_name": "Bia"})
    elif replay.transcript.channel == "whatsapp":
        _twilio(replay, "", NumMedia="1", MediaUrl0=MEDIA.format(n=2),
                MediaContentType0="text/vcard", MessageType="contacts")
    else:
        raise ValueError("SMS cannot share a contact")


@directive("agent")
def agent(replay: Replay, text: str) -> None:
    channel, sender = replay.transcript.channel, replay.transcript.sender
    address = f"{channel}:{sender}"
    rt = replay.rt
    with rt.db.session() as s:
        conv = s.scalar(select(Conversation).where(Conversation.address == address))
        assert conv is not None, f"no conversation with {address} yet"
        row = add_reply(s, rt, conv, Outgoing(text), author="agent")
        row_id = row.id
    enqueue_send(rt, row_id)
