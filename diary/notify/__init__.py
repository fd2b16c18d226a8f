"""Reminders sent outside any request: what is due and when (diary/clinical), claimed once in the database,
then delivered by email and Web Push. `flask --app diary send-reminders` runs `sender.send_due_reminders`.

links.py    absolute links for messages, and the signed one-click unsubscribe token
push.py     the VAPID key and delivery to a browser's push service
sender.py   one run: the reminders due now, each claimed before it is sent, retried when it failed
"""
