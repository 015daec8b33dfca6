"""sdg-gaps: which knowledge the UN Sustainable Development Goals need is missing from Wikipedia.

The package reads in the order the data flows::

    catalogue → sparql → coverage → history → report → wiki

Each module owns one concern; the command line (:mod:`bot.cli`) wires them together.
"""

__version__ = "0.1.0"
TOOL_NAME = "sdg-gaps"
