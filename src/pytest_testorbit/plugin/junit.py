"""JUnit XML names of parametrized steps: ``classname="file.orbit.yaml.group[id]" name="step"``.

pytest derives a testcase's ``classname`` and ``name`` from the node id, and reads a node
id's parameters as everything from its first ``[`` on, which it expects only in the last
part (a parametrized function, ``test_x[1]``). A step of a parametrized group has them in the
middle (``file.orbit.yaml::lifecycle[small]::login``): pytest 7.4 and 8.x name it
``lifecycle[small]::login`` under the file, and pytest 9.2 adds a closing bracket to that
(``lifecycle[small]::login]``). Each such step gets here the names a step of a plain group
gets from pytest itself: the group instance in the class name, the step id as the name.

They are set the way pytest's ``record_xml_attribute`` fixture sets attributes: on the
testcase's reporter of the ``--junitxml`` plugin, whose own attributes these then replace.
Only the process that writes the XML file (the controller under xdist) has that plugin.
"""

from __future__ import annotations

from typing import Any

import pytest

from .groupids import parse

PLUGIN_NAME = "orbit-junit-names"


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("xmlpath", None) or hasattr(config, "workerinput"):
        return
    for plugin in config.pluginmanager.get_plugins():
        if hasattr(plugin, "node_reporter") and hasattr(plugin, "logfile"):  # --junitxml's
            if not config.pluginmanager.has_plugin(PLUGIN_NAME):
                config.pluginmanager.register(JunitNames(plugin), PLUGIN_NAME)
            return


class JunitNames:
    def __init__(self, writer: Any) -> None:
        self.writer = writer

    @pytest.hookimpl(tryfirst=True)  # before the JUnit plugin records the report's names
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        ref = parse(report.nodeid)
        if ref is None or not ref.param_id:
            return
        prefix = getattr(self.writer, "prefix", None)
        classname = ref.file.replace("/", ".") + "." + ref.scope.partition("::")[2]
        reporter = self.writer.node_reporter(report)
        reporter.add_attribute("classname", f"{prefix}.{classname}" if prefix else classname)
        reporter.add_attribute("name", ref.step_id)
