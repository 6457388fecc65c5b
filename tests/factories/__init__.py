"""factory-boy factories, one module per app, the one place tests build model rows by hand.

Every factory takes a region as a Region or by its code (`region="370481"`); the codes are those of the
city file the `regions` fixture loads, so a test that builds rows asks for `regions` (or a fixture that
does). Identifiers are valid (GB 32100-2015 credit codes, ZC 0006-2003 application numbers) because the
models' save() normalises and checks them.
"""
from .accounts import UserFactory
from .registry import EnterpriseFactory, PatentFactory

__all__ = ["EnterpriseFactory", "PatentFactory", "UserFactory"]
