"""Workspaces: members with roles own the data; invitations bring people in."""
