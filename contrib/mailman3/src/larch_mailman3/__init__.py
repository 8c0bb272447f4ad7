"""Mailman 3 archiver for larch: each list post is piped to `larch add`.

mailman.cfg:

    [archiver.larch]
    class: larch_mailman3.LarchArchiver
    enable: yes
    configuration: /etc/mailman3/larch.cfg

See docs/integration.md in the larch repository.
"""

__version__ = "0.1.0"
__all__ = ["LarchArchiver"]


def __getattr__(name):
    # Imported lazily so that `python3 -m larch_mailman3 flush` works without
    # loading Mailman.
    if name == "LarchArchiver":
        from .archiver import LarchArchiver

        return LarchArchiver
    raise AttributeError(name)
