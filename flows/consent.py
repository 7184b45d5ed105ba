"""STOP and START, in any state and on every channel: the shopper decides what we send.

The keywords of every language are in bot/lexicon/keywords.toml; they count only as
the whole message. What the bot does with them:

- STOP records an opt-out (the effect handler writes the consent ledger) and
  confirms it once. A STOP while already stopped is recorded but not answered again:
  an auto-responder that answers our confirmation with STOP must not start a loop,
  and on SMS the carrier (or Twilio) already answers every STOP itself.
- After STOP the conversation rests in STOPPED. YES there resumes, as carriers treat
  YES; anywhere else YES answers the bot's question. START and UNSTOP resume anywhere.
- On SMS a stopped shopper gets answers to START and HELP only, as carriers do. On
  WhatsApp and Telegram a stopped shopper who writes still gets answers to what they
  wrote; nothing they did not ask for is sent (bot/rules.py checks at send time).
- A stop word inside a longer message ("don't stop my order") is MAYBE_STOP: the bot
  asks whether to stop all messages, and stops only on yes.
- Telegram's /start opens every chat: it greets, unless the shopper had stopped us.

Flows read whether the shopper has stopped us from the `opted_out` fact (bot/consent.py).
"""

from __future__ import annotations

from flows.machine import ANY, SAME, T, do, say
from flows.menu import MENU, OPTIONS, greet
from flows.types import N_, CancelAgent, Choice, Context, Event, Intent, OptIn, OptOut

STOPPED = "stopped"
CONFIRM_STOP = "confirm_stop"

ASK_OPTIONS = (
    Choice(N_("Yes, stop"), "yes"),
    Choice(N_("No, keep them"), "no"),
)

unsubscribed = say(N_("You're unsubscribed: {shop} won't send you any more messages. "
                      "Reply START to subscribe again."))
subscribed = say(N_("You're subscribed again. Write MENU to see what I can do."))


def opted_out(ctx: Context, event: Event) -> bool:
    """Whether the shopper's STOP stands (and no START since)."""
    return bool(ctx.facts.get("opted_out"))


def subscribed_command(ctx: Context, event: Event) -> bool:
    """Telegram's /start from a shopper who never stopped us: a greeting, not a START."""
    return bool(event.entities.get("command")) and not opted_out(ctx, event)


def quiet_on_sms(ctx: Context, event: Event) -> bool:
    """A stopped SMS shopper gets answers to START and HELP only (carrier behaviour)."""
    return ctx.channel == "sms" and event.intent is not Intent.HELP and opted_out(ctx, event)


TABLE = (
    # state        on                 guard               next          effects
    T(ANY,          Intent.STOP,       opted_out,          STOPPED,      do(OptOut())),
    T(ANY,          Intent.STOP,       None,               STOPPED,
      do(OptOut(), CancelAgent()), unsubscribed),
    T(ANY,          Intent.START,      subscribed_command, MENU,         greet),
    T(ANY,          Intent.START,      None,               MENU,         do(OptIn()), subscribed),
    T(STOPPED,      Intent.YES,        opted_out,          MENU,         do(OptIn()), subscribed),
    T(ANY,          ANY,               quiet_on_sms,       SAME),
    T(CONFIRM_STOP, Intent.YES,        None,               STOPPED,
      do(OptOut(), CancelAgent()), unsubscribed),
    T(CONFIRM_STOP, Intent.NO,         None,               MENU,
      say(N_("Okay, nothing changes. How can I help you?"), *OPTIONS)),
    T(ANY,          Intent.MAYBE_STOP, opted_out,          SAME,
      say(N_("You're already unsubscribed. Reply START to subscribe again."))),
    T(ANY,          Intent.MAYBE_STOP, None,               CONFIRM_STOP,
      say(N_("Do you want to stop all messages from {shop}?"), *ASK_OPTIONS)),
)

STATES: tuple[str, ...] = (STOPPED, CONFIRM_STOP)
