"""What the tests share, one module per topic, each helper written once.

Import as ``from tests.support.<topic> import ...``: every test directory is a
package, so pytest puts the repository root on ``sys.path`` (as does
``pythonpath`` in ``pyproject.toml``), and spawned worker processes find the
same modules by the same names.
"""
