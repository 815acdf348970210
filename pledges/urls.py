"""Signing: an official's pledge for their municipality (namespace "pledges")."""


app_name = "pledges"

urlpatterns: list = []
