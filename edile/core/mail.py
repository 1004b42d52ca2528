"""An e-mail backend that hands each message to the task worker (django-tasks).

`EMAIL_BACKEND = "edile.core.mail.TaskEmailBackend"`: every `send_mail`, allauth's messages
and the apps' notifications are enqueued as `core.tasks.email_send`; the worker sends them
with `EMAIL_DELIVERY_BACKEND` (SMTP in production). A slow or failing mail server no longer
slows or breaks a request. No app code changes.
"""

from __future__ import annotations

import base64
from email.mime.base import MIMEBase
from typing import Any

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend


def message_to_data(message: EmailMessage) -> dict[str, Any]:
    """A JSON-serialisable copy of `message` (task arguments are stored as JSON)."""
    attachments = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            content = attachment.get_payload(decode=True) or b""
            attachments.append(
                {
                    "filename": attachment.get_filename() or "attachment",
                    "content": base64.b64encode(content).decode(),
                    "mimetype": attachment.get_content_type(),
                }
            )
            continue
        filename, content, mimetype = attachment
        raw = content.encode() if isinstance(content, str) else bytes(content)
        attachments.append(
            {
                "filename": filename,
                "content": base64.b64encode(raw).decode(),
                "mimetype": mimetype,
            }
        )
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": {str(k): str(v) for k, v in (message.extra_headers or {}).items()},
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "content_subtype": message.content_subtype,
        "attachments": attachments,
    }


def message_from_data(data: dict[str, Any]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
    )
    message.content_subtype = data.get("content_subtype", "plain")
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    for attachment in data["attachments"]:
        message.attach(
            attachment["filename"],
            base64.b64decode(attachment["content"]),
            attachment["mimetype"],
        )
    return message


class TaskEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        from edile.core.tasks import email_send

        count = 0
        for message in email_messages or []:
            if not message.recipients():
                continue
            email_send.enqueue(message=message_to_data(message))
            count += 1
        return count
