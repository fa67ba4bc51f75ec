"""Microsoft Teams and Slack incoming webhooks (httpx): the payload each expects, and one
delivery with the outbox message's idempotency key, so a retry is recognisably the same."""

from __future__ import annotations

from typing import Any

import httpx

__all__ = ["WebhookFailed", "payload", "post"]


class WebhookFailed(Exception):
    """The webhook refused the message or could not be reached (retried with backoff)."""


def payload(kind: str, title: str, text: str, link: str) -> dict[str, Any]:
    """Slack: ``text`` with a link; Teams: a MessageCard with the same text and an action."""
    if kind == "teams":
        return {
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": title,
            "title": title,
            "text": text.replace("\n", "\n\n"),
            "potentialAction": [
                {
                    "@type": "OpenUri",
                    "name": "Open in the review workspace",
                    "targets": [{"os": "default", "uri": link}],
                }
            ],
        }
    return {"text": f"{text}\n<{link}|Open in the review workspace>"}


def post(
    url: str, body: dict[str, Any], idempotency_key: str, *, timeout: float, client: httpx.Client
) -> None:
    """POST once; any status other than 2xx, a timeout or a refused connection raises."""
    try:
        response = client.post(
            url,
            json=body,
            headers={"Idempotency-Key": idempotency_key, "X-Review-Message-Id": idempotency_key},
            timeout=timeout,
        )
    except httpx.TimeoutException:
        raise WebhookFailed(f"webhook timed out after {timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise WebhookFailed(f"webhook unreachable: {type(exc).__name__}: {exc}") from None
    if not 200 <= response.status_code < 300:
        raise WebhookFailed(
            f"webhook answered HTTP {response.status_code}: {response.text[:200]!r}"
        )
