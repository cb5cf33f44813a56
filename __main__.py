"""Pulumi entry point (`pulumi preview` / `pulumi up` run this file)."""

from engine.program import main

main()
