"""The channel adapters this deployment can use, built from the settings."""

from __future__ import annotations

from typing import Any

from bot.config import Settings
from channels.base import Channel


def build_channels(settings: Settings) -> dict[str, Channel]:
    """Adapters for every configured channel, by name; the simulator's when enabled."""
    found: dict[str, Channel] = {}
    if settings.twilio_configured:
        from channels.twilio_sms import TwilioSMS
        from channels.twilio_whatsapp import TwilioWhatsApp

        assert settings.twilio_account_sid and settings.twilio_auth_token
        common: dict[str, Any] = {
            "account_sid": settings.twilio_account_sid,
            "auth_token": settings.twilio_auth_token.value,
            "messaging_service_sid": settings.twilio_messaging_service_sid,
            "api_base": settings.twilio_api_base,
            "public_base_url": settings.public_base_url,
        }
        found["whatsapp"] = TwilioWhatsApp(from_=settings.twilio_whatsapp_from, **common)
        found["sms"] = TwilioSMS(from_=settings.twilio_sms_from, **common)
    if settings.telegram_configured:
        from channels.telegram import TelegramChannel

        assert settings.telegram_bot_token
        found["telegram"] = TelegramChannel(
            settings.telegram_bot_token.value,
            settings.telegram_webhook_secret.value if settings.telegram_webhook_secret else None,
            api_base=settings.telegram_api_base,
        )
    from channels.web import WebChannel

    found["web"] = WebChannel()
    return found
