"""Translate Telegram updates into the core's `Incoming`; decide when a group addresses us."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection
from dataclasses import dataclass

from telegram import CallbackQuery, Chat, Message, MessageEntity, Update, User

from bot.core.models import Incoming

CHANNEL = "telegram"
START_RE = re.compile(r"^/start(?:@(?P<bot>\w+))?(?:\s+(?P<payload>.*))?$", re.DOTALL)
COMMAND_RE = re.compile(r"^/\w+(?:@(?P<bot>\w+))?(?:\s|$)")
GROUP_TYPES = (Chat.GROUP, Chat.SUPERGROUP)


@dataclass(frozen=True)
class BotIdentity:
    """Who we are, from getMe: needed to tell whether a group message addresses us."""

    id: int
    username: str


def is_group(chat: Chat) -> bool:
    """Groups and supergroups (channels are not subscribed to)."""
    return chat.type in GROUP_TYPES


def addresses_bot(message: Message, me: BotIdentity) -> bool:
    """Whether a group message is meant for the bot.

    In a group the bot answers only a command (without `@other_bot`), a message that
    mentions `@our_bot`, or a reply to one of its own messages; everything else is chatter
    between people.

    Args:
        message: the group message.
        me: the bot's identity.

    Returns:
        True when the bot should answer.
    """
    reply_to = message.reply_to_message
    if reply_to is not None and reply_to.from_user is not None \
            and reply_to.from_user.id == me.id:
        return True
    text = message.text or ""
    command = COMMAND_RE.match(text)
    if command is not None:
        target = command.group("bot")
        return target is None or target.lower() == me.username.lower()
    mentions = message.parse_entities([MessageEntity.MENTION]).values()
    if any(m.lstrip("@").lower() == me.username.lower() for m in mentions):
        return True
    # Servers other than Telegram's may send no entities: read the mention from the text.
    return bool(me.username) and re.search(
        rf"(?<![\w@])@{re.escape(me.username)}\b", text, re.IGNORECASE) is not None


def _strip_mention(text: str, me: BotIdentity) -> str:
    if not me.username:
        return text
    cleaned = re.sub(rf"@{re.escape(me.username)}\b", " ", text, flags=re.IGNORECASE)
    return re.sub(r"[ \t]{2,}", " ", cleaned).strip()


def from_message(update: Update, message: Message, me: BotIdentity,
                 staff_ids: Collection[int]) -> Incoming | None:
    """Translate a new message; None when it is group chatter not addressed to the bot.

    Args:
        update: the update carrying the message (its key drops redeliveries).
        message: the message.
        me: the bot's identity.
        staff_ids: Telegram user ids of staff.

    Returns:
        The Incoming, with `text=""` for stickers, photos, voice and other non-text content
        (the core answers those with a polite "I only read text").
    """
    if is_group(message.chat) and not addresses_bot(message, me):
        return None
    user, chat = message.from_user, message.chat
    # Staff reports quote citizens' questions: only in a private chat, never to a group.
    staff_ids = staff_ids if chat.type == Chat.PRIVATE else ()
    text = message.text
    if text is None:
        return _incoming(update, chat.id, user, staff_ids, text="")
    start = START_RE.match(text.strip())
    if start is not None:
        payload = (start.group("payload") or "").strip()
        return _incoming(update, chat.id, user, staff_ids, start_payload=payload)
    if is_group(chat):
        text = _strip_mention(text, me)
    return _incoming(update, chat.id, user, staff_ids, text=text)


def update_key(update: Update) -> str:
    """The id the core uses to drop redeliveries: `update_id` plus a digest of the content.

    A redelivery is the same update twice. The digest keeps a reused id with other content
    (a restarted Bot API server counting from 1 again, or Telegram choosing a random next id
    after a week without updates) from being mistaken for one.
    """
    content = json.dumps(update.to_dict(), sort_keys=True, default=str)
    digest = hashlib.blake2s(content.encode(), digest_size=6).hexdigest()
    return f"{update.update_id}:{digest}"


def callback_chat_id(query: CallbackQuery) -> int:
    """The chat of a press: the message's, else the presser's private chat."""
    return query.message.chat.id if query.message is not None else query.from_user.id


def from_callback(update: Update, query: CallbackQuery,
                  staff_ids: Collection[int]) -> Incoming | None:
    """Translate a button press; None when it carries no data.

    Args:
        update: the update carrying the query.
        query: the callback query.
        staff_ids: Telegram user ids of staff.

    Returns:
        The Incoming with `button` set to the pressed payload.
    """
    if query.data is None:
        return None
    if query.message is None or query.message.chat.type != Chat.PRIVATE:
        staff_ids = ()
    return _incoming(update, callback_chat_id(query), query.from_user, staff_ids,
                     button=query.data)


def _incoming(update: Update, chat_id: int, user: User | None, staff_ids: Collection[int], *,
              text: str | None = None, start_payload: str | None = None,
              button: str | None = None) -> Incoming:
    return Incoming(CHANNEL, str(chat_id), text=text, button=button,
                    start_payload=start_payload, update_id=update_key(update),
                    locale=user.language_code if user else None,
                    is_staff=user is not None and user.id in staff_ids)
