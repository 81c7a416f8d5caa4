"""Brackets of head-to-head events: drawing up, the bracket pages, match results and sign-off."""
