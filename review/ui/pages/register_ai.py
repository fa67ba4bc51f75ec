"""A public register page (GEN-10, no sign-in): see review/ui/public_register.py."""

from review.ui.public_register import show_register

show_register("ai")
