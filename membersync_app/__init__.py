"""MemberSync: seat and membership manager for organizations."""
