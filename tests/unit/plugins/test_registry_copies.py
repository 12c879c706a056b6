# -*- coding: utf-8 -*-
# Copyright: (c) 2026, backupops.veeam contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every hand-kept copy of the API registry, held against the registry.

`_apis.APIS` names every API the collection speaks. Some files cannot read it (YAML, Markdown, module documentation,
AWX definitions) and list the APIs by hand. Each check below is a plain function of (apis, repo_root) that returns its
problems as sentences naming the file, the API and what is missing, so that a new API that forgets one of them fails here
with a message saying where to add what. docs/adding-an-api.md names the same files (checked too).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import glob
import io
import os
import re
import types

import yaml

from ansible_collections.backupops.veeam.plugins.module_utils._apis import APIS

COLLECTION = "backupops.veeam"
# tests/unit/plugins/<this file>: the collection root is three folders up (ansible-test units copies the whole collection).
REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
# What the checks read of an Api (whatever class carries it).
REGISTRY_FIELDS = ("name", "title", "short_title", "default_port", "options", "job_options", "job_module", "inventory_group",
                   "window_options", "selection_options", "infrastructure")

RUNTIME = "meta/runtime.yml"
ATTRIBUTES = "plugins/doc_fragments/attributes.py"
WINDOW_MODULE = "plugins/modules/maintenance_window.py"
WINDOW_ACTION = "plugins/action/maintenance_window.py"
ARGUMENT_SPECS = "roles/maintenance_window/meta/argument_specs.yml"
ROLE_README = "roles/maintenance_window/README.md"
ROLE_DEFAULTS = "roles/maintenance_window/defaults/main.yml"
ROLE_PHASE = "roles/maintenance_window/tasks/_phase.yml"
README = "README.md"
AWX_GUIDE = "docs/awx.md"
EXAMPLE_INVENTORY = "playbooks/inventory/example.yml"
CREDENTIAL_TYPES = "awx/credential_types"
GUIDE = "docs/adding-an-api.md"
HTTP = "plugins/module_utils/_http.py"
# The credential type that is no API's (the CA bundle every API shares).
SHARED_CREDENTIAL_TYPES = ("tls.yml",)


# --- what an API is called where --------------------------------------------------------------------------------------

def module_names(api):
    """The short names of the API's modules: its job module and _info (backupops.veeam.veeam_vbr_job -> veeam_vbr_job, ..._info),
    the module of each infrastructure kind, and with any kind its infrastructure info module (veeam_vbr_infrastructure_info)."""
    job = api.job_module.rsplit(".", 1)[-1]
    kinds = [kind.module.rsplit(".", 1)[-1] for kind in api.infrastructure]
    return [job, job + "_info"] + kinds + (["%s_infrastructure_info" % job[:-len("_job")]] if kinds else [])


def kind_module_problems(apis, repo_root):
    """plugins/modules/<kind module>.py: runs the kind it is registered for (run_object_module(<API>, "<kind name>"))."""
    problems = []
    for api in apis:
        for kind in api.infrastructure:
            path = "plugins/modules/%s.py" % kind.module.rsplit(".", 1)[-1]
            text = read_text(repo_root, path) if os.path.exists(os.path.join(repo_root, path)) else ""
            if text and not re.search(r"run_object_module\(\w+, \"%s\"\)" % re.escape(kind.name), text):
                problems.append("%s: does not run the kind %r of API %s (run_object_module(..., %r))" % (path, kind.name, api.name, kind.name))
    return problems


def credential_variables(api):
    """The environment variables the API's AWX credential type injects and its modules read."""
    return ["VEEAM_%s_%s" % (api.name.upper(), what) for what in ("SERVER", "USERNAME", "PASSWORD")]


def window_variables(api):
    """Every variable the window takes the API's own settings from (role variables and host variables)."""
    return [variable for variables in api.window_options.values() for variable in variables]


def host_variables(api):
    """The inventory variables of the API's own settings (veeam_vb365_api_version, ...): what most documents list."""
    return [variable for variable in window_variables(api) if not variable.startswith("maintenance_window_")]


# What a document lists of every API, by kind: (what it is called in a message, the tokens, whether the token is written
# as code: `vbr`, C(vbr) or V(vbr), because a short API name such as "em" is also an English fragment).
TOKENS = dict(
    api_name=lambda api: ("the name", [api.name], True),
    inventory_group=lambda api: ("the inventory group", [api.inventory_group], False),
    job_module=lambda api: ("the job module", module_names(api)[:1], False),
    job_modules=lambda api: ("the module", module_names(api), False),
    job_module_fqcn=lambda api: ("the job module", [api.job_module], False),
    action_group=lambda api: ("the action group", ["group/%s.%s" % (COLLECTION, api.name)], False),
    credential_variables=lambda api: ("the environment variable", credential_variables(api), False),
    credential_server=lambda api: ("the environment variable", credential_variables(api)[0:1], False),
    credential_username=lambda api: ("the environment variable", credential_variables(api)[1:2], False),
    credential_password=lambda api: ("the environment variable", credential_variables(api)[2:3], False),
    credential_file=lambda api: ("the credential type", ["%s/%s.yml" % (CREDENTIAL_TYPES, api.name)], False),
    credential_file_name=lambda api: ("the credential type file", ["%s.yml" % api.name], True),
    default_port=lambda api: ("the default port", [str(api.default_port)], False),
    window_variables=lambda api: ("the window variable", window_variables(api), False),
    host_variables=lambda api: ("the host variable", host_variables(api), False),
)

# Documents that list every API in prose or tables, and what each of them lists.
DOCUMENTS = {
    README: ("job_module_fqcn", "job_modules", "action_group", "credential_variables", "credential_file_name", "inventory_group"),
    ROLE_README: ("api_name", "inventory_group", "job_module", "credential_variables", "default_port", "window_variables"),
    AWX_GUIDE: ("api_name", "inventory_group", "credential_file", "credential_file_name", "credential_variables", "host_variables"),
    ROLE_DEFAULTS: ("inventory_group", "host_variables"),
    WINDOW_MODULE: ("api_name", "inventory_group", "host_variables"),
}

# Documents where a per-API variable (veeam_<api>_..., maintenance_window_<api>_...) must be one the registry knows: a
# renamed or removed setting leaves no stale name behind.
VARIABLE_MENTIONS = (README, ROLE_README, AWX_GUIDE, ROLE_DEFAULTS, ROLE_PHASE, WINDOW_MODULE, ARGUMENT_SPECS, EXAMPLE_INVENTORY)


def names(text, token, as_code=False):
    """Whether `text` names `token` as a whole word (a longer name such as veeam_vbr_job_info does not name veeam_vbr_job)."""
    if as_code:
        return re.search(r"(`|[CV]\()%s(`|\))" % re.escape(token), text) is not None
    return re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(token), text) is not None


def unnamed(path, text, api, kinds, where=""):
    """The problems of a text that should name, for `api`, every token of `kinds`."""
    problems = []
    for kind in kinds:
        what, tokens, as_code = TOKENS[kind](api)
        problems.extend("%s:%s lacks %s %s (API %s); add it where the other APIs' are listed"
                        % (path, where, what, token, api.name) for token in tokens if not names(text, token, as_code))
    return problems


# --- reading the collection's files -----------------------------------------------------------------------------------

def read_text(repo_root, path):
    with io.open(os.path.join(repo_root, path), encoding="utf-8") as source:
        return source.read()


def read_yaml(repo_root, path):
    return yaml.safe_load(read_text(repo_root, path))


def module_constants(repo_root, path):
    """The module-level string constants of a Python file (DOCUMENTATION, a doc fragment's attributes), without importing it."""
    tree = ast.parse(read_text(repo_root, path))
    assignments = [node for node in ast.walk(tree) if isinstance(node, ast.Assign) and len(node.targets) == 1]
    return dict((node.targets[0].id, node.value.value) for node in assignments
                if isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str))


def description(option):
    """An option's description as one string (a list of paragraphs, or one)."""
    text = (option or {}).get("description", "")
    return " ".join(text) if isinstance(text, list) else str(text)


# --- the checks: each takes (apis, repo_root) and returns its problems ---------------------------------------------------

def runtime_problems(apis, repo_root):
    """meta/runtime.yml: one action group per API holding its job and _info modules, each in `all`, and no other group."""
    groups = (read_yaml(repo_root, RUNTIME) or {}).get("action_groups") or {}
    problems = []
    for api in apis:
        members = [member.rsplit(".", 1)[-1] for member in groups.get(api.name) or [] if isinstance(member, str)]
        if api.name not in groups:
            problems.append("%s: no action group '%s' for API %s (%s)" % (RUNTIME, api.name, api.name, api.job_module))
        problems.extend("%s: action group '%s' lacks %s (API %s); add it to the group" % (RUNTIME, api.name, module, api.name)
                        for module in module_names(api) if api.name in groups and module not in members)
    extended = [entry for item in groups.get("all") or [] if isinstance(item, dict)
                for entry in (item.get("metadata") or {}).get("extend_group") or []]
    problems.extend("%s: the 'all' group's extend_group lacks %s.%s (API %s)" % (RUNTIME, COLLECTION, api.name, api.name)
                    for api in apis if "%s.%s" % (COLLECTION, api.name) not in extended)
    registered = [api.name for api in apis]
    problems.extend("%s: action group '%s' is no registered API's (APIS: %s); remove it or register the API"
                    % (RUNTIME, group, ", ".join(registered)) for group in groups if group != "all" and group not in registered)
    problems.extend("%s: the 'all' group extends %s, no registered API's group (APIS: %s)" % (RUNTIME, entry, ", ".join(registered))
                    for entry in extended if entry.rsplit(".", 1)[-1] not in registered)
    return problems


def attributes_problems(apis, repo_root):
    """plugins/doc_fragments/attributes.py: a <NAME>_GROUP fragment per API naming its group; its modules use it."""
    fragments = module_constants(repo_root, ATTRIBUTES)
    problems = []
    for api in apis:
        fragment_name = "%s_GROUP" % api.name.upper()
        if fragment_name not in fragments:
            problems.append("%s: no %s fragment for API %s (copy another API's *_GROUP)" % (ATTRIBUTES, fragment_name, api.name))
            continue
        group = (yaml.safe_load(fragments[fragment_name]) or {}).get("attributes", {}).get("action_group", {})
        wanted = ["%s.%s" % (COLLECTION, api.name), "%s.all" % COLLECTION]
        problems.extend("%s: %s membership lacks %s (API %s)" % (ATTRIBUTES, fragment_name, member, api.name)
                        for member in wanted if member not in (group.get("membership") or []))
        problems.extend(unnamed(ATTRIBUTES, str(group.get("description", "")), api, ["action_group"], " %s description" % fragment_name))
    registered = [api.name.upper() + "_GROUP" for api in apis]
    problems.extend("%s: %s is no registered API's fragment (APIS: %s); remove it or register the API"
                    % (ATTRIBUTES, name, ", ".join(api.name for api in apis))
                    for name in fragments if name.endswith("_GROUP") and name not in registered)
    return problems


def job_module_problems(apis, repo_root):
    """plugins/modules/<job module>.py and its _info: present, and documented with the API's action group fragment."""
    problems = []
    for api in apis:
        for module in module_names(api):
            path = "plugins/modules/%s.py" % module
            if not os.path.exists(os.path.join(repo_root, path)):
                problems.append("%s: missing; the module of API %s (%s) that meta/runtime.yml groups" % (path, api.name, module))
                continue
            documentation = yaml.safe_load(module_constants(repo_root, path).get("DOCUMENTATION", "")) or {}
            fragment = "%s.attributes.%s_group" % (COLLECTION, api.name)
            if fragment not in (documentation.get("extends_documentation_fragment") or []):
                problems.append("%s: extends_documentation_fragment lacks %s (API %s's action group)" % (path, fragment, api.name))
    return problems


def window_module_problems(apis, repo_root):
    """plugins/modules/maintenance_window.py: the `api` option's choices are the registered APIs (its DOCUMENTATION lists them)."""
    documentation = yaml.safe_load(module_constants(repo_root, WINDOW_MODULE)["DOCUMENTATION"])
    choices = set(documentation["options"]["api"].get("choices") or [])
    registered = set(api.name for api in apis)
    problems = ["%s: the api option's choices lack %s (API %s); add it to DOCUMENTATION" % (WINDOW_MODULE, name, name)
                for name in sorted(registered - choices)]
    problems.extend("%s: the api option's choices list %s, no registered API (APIS: %s); remove it" % (WINDOW_MODULE, name, ", ".join(sorted(registered)))
                    for name in sorted(choices - registered))
    return problems


def argument_spec_keywords(repo_root, path, option):
    """The keyword arguments (name -> expression) of `option`=dict(...) in the module-level ARGUMENT_SPEC = dict(...) of `path`."""
    tree = ast.parse(read_text(repo_root, path))
    specs = [node.value for node in tree.body if isinstance(node, ast.Assign) and [getattr(target, "id", None) for target in node.targets] == ["ARGUMENT_SPEC"]]
    options = [keyword.value for spec in specs for keyword in getattr(spec, "keywords", []) if keyword.arg == option]
    return dict((keyword.arg, keyword.value) for value in options for keyword in getattr(value, "keywords", []))


def window_action_problems(apis, repo_root):
    """plugins/action/maintenance_window.py: ARGUMENT_SPEC's `api` choices come from APIS (or, if ever written out, list them all)."""
    choices = argument_spec_keywords(repo_root, WINDOW_ACTION, "api").get("choices")
    if choices is None:
        return ["%s: ARGUMENT_SPEC has no api option with choices; the test cannot tell which APIs it accepts" % WINDOW_ACTION]
    if any(isinstance(node, ast.Name) and node.id == "APIS" for node in ast.walk(choices)):
        return []
    try:
        listed = set(ast.literal_eval(choices))
    except ValueError:
        return ["%s: the api option's choices are neither derived from APIS nor a list of names; write choices=sorted(APIS)" % WINDOW_ACTION]
    registered = set(api.name for api in apis)
    if listed == registered:
        return []
    return ["%s: the api option's choices differ from APIS (missing: %s; not registered: %s); derive them: choices=sorted(APIS)"
            % (WINDOW_ACTION, ", ".join(sorted(registered - listed)) or "none", ", ".join(sorted(listed - registered)) or "none")]


def playbook_problems(apis, repo_root):
    """playbooks/*.yml: every play's hosts line names every API's inventory group."""
    problems = []
    for path in sorted(glob.glob(os.path.join(repo_root, "playbooks", "*.yml"))):
        relative = os.path.relpath(path, repo_root).replace(os.sep, "/")
        plays = [play for play in yaml.safe_load(read_text(repo_root, relative)) or [] if isinstance(play, dict) and "hosts" in play]
        for play in plays:
            patterns = [pattern.strip().lstrip("&!") for pattern in re.split(r"[:,]", str(play["hosts"]))]
            problems.extend("%s: play '%s' hosts: %s lacks %s (inventory group of API %s); append :%s"
                            % (relative, play.get("name", ""), play["hosts"], api.inventory_group, api.name, api.inventory_group)
                            for api in apis if api.inventory_group not in patterns)
    return problems


# In each entry point of the role's argument specs, what the descriptions of its connection options list per API.
ARGUMENT_SPEC_OPTIONS = dict(
    maintenance_window_api=lambda api: ("api_name", "inventory_group"),
    maintenance_window_server=lambda api: ("credential_server",),
    maintenance_window_username=lambda api: ("credential_username",),
    maintenance_window_password=lambda api: ("credential_password",),
    maintenance_window_port=lambda api: ("default_port",),
    maintenance_window_api_options=lambda api: ("host_variables",),
)


def argument_spec_problems(apis, repo_root):
    """roles/maintenance_window/meta/argument_specs.yml: in every entry point, the options that list the APIs list them all."""
    problems = []
    for entry_point, spec in sorted(((read_yaml(repo_root, ARGUMENT_SPECS) or {}).get("argument_specs") or {}).items()):
        options = spec.get("options") or {}
        for option_name, kinds in sorted(ARGUMENT_SPEC_OPTIONS.items()):
            if option_name not in options:
                continue
            for api in apis:
                problems.extend(unnamed(ARGUMENT_SPECS, description(options[option_name]), api, kinds(api), " %s %s description" % (entry_point, option_name)))
        api_choices = (options.get("maintenance_window_api") or {}).get("choices")
        if api_choices is not None and set(api_choices) != set(api.name for api in apis):
            problems.append("%s: %s maintenance_window_api choices %s are not the registered APIs %s"
                            % (ARGUMENT_SPECS, entry_point, sorted(api_choices), sorted(api.name for api in apis)))
    return problems


def document_problems(apis, repo_root):
    """README.md, the role's README and defaults, docs/awx.md, the window module's text: each lists what it lists of every API."""
    problems = []
    for path, kinds in sorted(DOCUMENTS.items()):
        text = read_text(repo_root, path)
        for api in apis:
            problems.extend(unnamed(path, text, api, kinds))
    return problems


def stale_variable_problems(apis, repo_root):
    """No document names a per-API variable (veeam_<api>_..., maintenance_window_<api>_...) that its API's registry entry lacks."""
    problems = []
    for api in apis:
        known = set(window_variables(api)) | set(module_names(api))
        pattern = re.compile(r"(?<![\w-])(?:veeam|maintenance_window)_%s_\w+" % re.escape(api.name))
        for path in VARIABLE_MENTIONS:
            stale = sorted(set(pattern.findall(read_text(repo_root, path))) - known)
            problems.extend("%s: names %s, not a window variable of API %s (its window_options: %s); rename or remove it"
                            % (path, name, api.name, ", ".join(window_variables(api))) for name in stale)
    return problems


def inventory_problems(apis, repo_root):
    """playbooks/inventory/example.yml: a group per API (its veeam_api and veeam_port, if set, the API's), no group of another API."""
    children = ((read_yaml(repo_root, EXAMPLE_INVENTORY) or {}).get("all") or {}).get("children") or {}
    group_vars = dict((group, (body or {}).get("vars") or {}) for group, body in children.items())
    problems = []
    for api in apis:
        if api.inventory_group not in children:
            problems.append("%s: no group %s under all.children (inventory group of API %s)" % (EXAMPLE_INVENTORY, api.inventory_group, api.name))
            continue
        settings = group_vars[api.inventory_group]
        problems.extend("%s: group %s sets %s: %s, API %s's is %s" % (EXAMPLE_INVENTORY, api.inventory_group, variable, settings[variable], api.name, value)
                        for variable, value in (("veeam_api", api.name), ("veeam_port", api.default_port))
                        if variable in settings and settings[variable] != value)
    registered = [api.name for api in apis]
    problems.extend("%s: group %s sets veeam_api %s, no registered API (APIS: %s)" % (EXAMPLE_INVENTORY, group, settings["veeam_api"], ", ".join(registered))
                    for group, settings in sorted(group_vars.items()) if "veeam_api" in settings and settings["veeam_api"] not in registered)
    return problems


def credential_type_problems(apis, repo_root):
    """awx/credential_types/<name>.yml per API, injecting VEEAM_<NAME>_SERVER, _USERNAME, _PASSWORD; no type of another API."""
    problems = []
    for api in apis:
        path = "%s/%s.yml" % (CREDENTIAL_TYPES, api.name)
        if not os.path.exists(os.path.join(repo_root, path)):
            problems.append("%s: missing; API %s needs a credential type injecting %s" % (path, api.name, ", ".join(credential_variables(api))))
            continue
        definition = read_yaml(repo_root, path) or {}
        env = (definition.get("injectors") or {}).get("env") or {}
        fields = dict((field.get("id"), field) for field in (definition.get("inputs") or {}).get("fields") or [])
        for variable, field in zip(credential_variables(api), ("server", "username", "password")):
            if not re.match(r"^\{\{\s*%s\b" % field, str(env.get(variable, ""))):
                problems.append("%s: injectors.env lacks %s: \"{{ %s }}\" (API %s)" % (path, variable, field, api.name))
            if field not in fields:
                problems.append("%s: inputs.fields lacks the %s field (API %s)" % (path, field, api.name))
        if not (fields.get("password") or {}).get("secret"):
            problems.append("%s: the password field is not secret: true (API %s)" % (path, api.name))
    registered = [api.name + ".yml" for api in apis]
    problems.extend("%s/%s: a credential type of no registered API (APIS: %s); remove it or register the API"
                    % (CREDENTIAL_TYPES, name, ", ".join(api.name for api in apis))
                    for name in sorted(os.listdir(os.path.join(repo_root, CREDENTIAL_TYPES)))
                    if name.endswith(".yml") and name not in registered and name not in SHARED_CREDENTIAL_TYPES)
    return problems


def http_constants(tree):
    """The module-level string constants of a parsed file, tuple assignments included (VB365_API, EM_API, VBR_API = ...)."""
    constants = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            pairs = zip(target.elts, value.elts) if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) else [(target, value)]
            constants.update((name.id, literal.value) for name, literal in pairs
                             if isinstance(name, ast.Name) and isinstance(literal, ast.Constant) and isinstance(literal.value, str))
    return constants


def http_signatures(repo_root):
    """_http.py's APIS table as {api name: default port}; None without such a table; {} for one this test cannot read."""
    tree = ast.parse(read_text(repo_root, HTTP))
    tables = [node.value for node in tree.body if isinstance(node, ast.Assign) and [getattr(target, "id", None) for target in node.targets] == ["APIS"]]
    if not tables:
        return None
    constants = http_constants(tree)
    entries = tables[0].args[0].elts if isinstance(tables[0], ast.Call) and tables[0].args and isinstance(tables[0].args[0], ast.List) else []
    signatures = {}
    for entry in entries:
        key, port = entry.elts[0], entry.elts[1].elts[1]
        signatures[constants.get(getattr(key, "id", None), getattr(key, "value", None))] = getattr(port, "value", None)
    return signatures


def http_signature_problems(apis, repo_root):
    """plugins/module_utils/_http.py: its table of what each API's errors look like (which API answers on a port), if it still
    has one, knows every API with its default port: wrong_port_message looks the expected API up there."""
    signatures = http_signatures(repo_root)
    if signatures is None:
        return []
    if not signatures:
        return ["%s: APIS is a table this test cannot read; teach http_signatures its new shape" % HTTP]
    problems = ["%s: APIS has no error signature for API %s (title, default port %s, a pattern of its error answers)" % (HTTP, api.name, api.default_port)
                for api in apis if api.name not in signatures]
    problems.extend("%s: APIS gives API %s the default port %s, its registry entry %s" % (HTTP, api.name, signatures[api.name], api.default_port)
                    for api in apis if api.name in signatures and signatures[api.name] != api.default_port)
    return problems


# Every file the checks hold against the registry, as docs/adding-an-api.md must name it (a pattern names a family).
CHECKED_FILES = (RUNTIME, ATTRIBUTES, "plugins/modules/", WINDOW_MODULE, "playbooks/*.yml", ARGUMENT_SPECS, ROLE_README, ROLE_DEFAULTS,
                 "`README.md`", AWX_GUIDE, EXAMPLE_INVENTORY, CREDENTIAL_TYPES + "/", HTTP, "tests/unit/plugins/test_registry_copies.py")


def guide_problems(apis, repo_root):
    """docs/adding-an-api.md names every file this test holds against the registry, so the guide and the test agree."""
    text = read_text(repo_root, GUIDE)
    return ["%s: does not name %s, which tests/unit/plugins/test_registry_copies.py checks for every API; add it to the guide"
            % (GUIDE, path) for path in CHECKED_FILES if path not in text]


CHECKS = (runtime_problems, attributes_problems, job_module_problems, kind_module_problems, window_module_problems, window_action_problems, playbook_problems,
          argument_spec_problems, document_problems, stale_variable_problems, inventory_problems, credential_type_problems, http_signature_problems,
          guide_problems)


def registry_problems(apis, repo_root=REPO_ROOT):
    """Every problem of every hand-kept copy of the registry `apis` (a list of Apis) in the collection at `repo_root`."""
    return [problem for check in CHECKS for problem in check(list(apis), repo_root)]


# --- the tests ----------------------------------------------------------------------------------------------------------

def copy_of(api, **changes):
    """An Api-like value with the registry's fields of `api`, some changed (the checks read nothing else)."""
    fields = dict((field, getattr(api, field)) for field in REGISTRY_FIELDS)
    fields.update(changes)
    return types.SimpleNamespace(**fields)


def toy_api():
    """A fourth API that exists only here: a copy of VBR under other names, registered in none of the hand-kept files."""
    return copy_of(APIS["vbr"], name="toy", title="Veeam Toy", short_title="Toy", default_port=7777, job_module="backupops.veeam.veeam_toy_job",
                   infrastructure=(), inventory_group="toy_servers",
                   window_options=dict(api_version=("maintenance_window_toy_api_version", "veeam_toy_api_version")))


def test_every_hand_kept_copy_names_every_registered_api():
    problems = registry_problems(APIS.values())
    assert problems == [], "\n".join(problems)


def test_an_api_that_no_copy_names_fails_naming_each_file_and_what_is_missing():
    problems = registry_problems(list(APIS.values()) + [toy_api()])
    about_toy = [problem for problem in problems if "toy" in problem.lower()]
    assert about_toy == problems, "the registered APIs themselves are fine, so every problem is the toy's"
    assert "meta/runtime.yml: no action group 'toy' for API toy (backupops.veeam.veeam_toy_job)" in problems
    for expected in ("meta/runtime.yml: the 'all' group's extend_group lacks backupops.veeam.toy (API toy)",
                     "plugins/doc_fragments/attributes.py: no TOY_GROUP fragment for API toy",
                     "plugins/modules/veeam_toy_job.py: missing",
                     "plugins/modules/veeam_toy_job_info.py: missing",
                     "plugins/modules/maintenance_window.py: the api option's choices lack toy (API toy)",
                     "awx/credential_types/toy.yml: missing; API toy needs a credential type injecting VEEAM_TOY_SERVER",
                     "playbooks/inventory/example.yml: no group toy_servers under all.children",
                     "plugins/module_utils/_http.py: APIS has no error signature for API toy"):
        assert any(problem.startswith(expected) for problem in problems), expected
    for playbook in ("job_report.yml", "maintenance_begin.yml", "maintenance_end.yml"):
        assert any(problem.startswith("playbooks/%s: play " % playbook) and "lacks toy_servers" in problem for problem in problems), playbook
    for path, token in ((ARGUMENT_SPECS, "VEEAM_TOY_SERVER"), (ARGUMENT_SPECS, "veeam_toy_api_version"), (ARGUMENT_SPECS, "toy_servers"),
                        (ROLE_README, "maintenance_window_toy_api_version"), (ROLE_README, "veeam_toy_job"), (ROLE_README, "7777"),
                        (README, "backupops.veeam.veeam_toy_job"), (README, "veeam_toy_job_info"), (README, "group/backupops.veeam.toy"), (README, "toy.yml"),
                        (AWX_GUIDE, "awx/credential_types/toy.yml"), (AWX_GUIDE, "VEEAM_TOY_PASSWORD"), (ROLE_DEFAULTS, "veeam_toy_api_version"),
                        (WINDOW_MODULE, "toy_servers")):
        assert any(problem.startswith(path + ":") and " %s (API toy);" % token in problem for problem in problems), (path, token)


def test_a_copy_that_names_an_api_the_registry_lacks_fails_naming_it():
    problems = registry_problems([api for api in APIS.values() if api.name != "vbr"])
    for expected in ("meta/runtime.yml: action group 'vbr' is no registered API's",
                     "meta/runtime.yml: the 'all' group extends backupops.veeam.vbr, no registered API's group",
                     "plugins/doc_fragments/attributes.py: VBR_GROUP is no registered API's fragment",
                     "plugins/modules/maintenance_window.py: the api option's choices list vbr, no registered API",
                     "playbooks/inventory/example.yml: group vbr_servers sets veeam_api vbr, no registered API",
                     "awx/credential_types/vbr.yml: a credential type of no registered API"):
        assert any(problem.startswith(expected) for problem in problems), expected


def test_a_renamed_setting_leaves_no_stale_name_behind():
    vbr = APIS["vbr"]
    renamed = copy_of(vbr, window_options=dict(vbr.window_options, type=("maintenance_window_vbr_job_types", "veeam_vbr_job_types")))
    problems = registry_problems([api for api in APIS.values() if api.name != "vbr"] + [renamed])
    assert any(problem.startswith(ROLE_README + ": names veeam_vbr_types, not a window variable of API vbr") for problem in problems)
    assert any(problem.startswith(ROLE_README + ": lacks the window variable veeam_vbr_job_types (API vbr)") for problem in problems)


def test_the_guide_must_name_every_checked_file(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / GUIDE).write_text(read_text(REPO_ROOT, GUIDE).replace(EXAMPLE_INVENTORY, "the example inventory"))
    assert guide_problems(list(APIS.values()), str(tmp_path)) == [
        "%s: does not name %s, which tests/unit/plugins/test_registry_copies.py checks for every API; add it to the guide" % (GUIDE, EXAMPLE_INVENTORY)]


def test_the_action_must_derive_its_api_choices_or_list_every_api(tmp_path):
    (tmp_path / "plugins" / "action").mkdir(parents=True)
    action = tmp_path / WINDOW_ACTION
    action.write_text(u'ARGUMENT_SPEC = dict(phase=dict(type="str"), api=dict(type="str", choices=sorted(APIS)))\n')
    assert window_action_problems([toy_api()], str(tmp_path)) == []
    action.write_text(u'ARGUMENT_SPEC = dict(api=dict(type="str", choices=%r))\n' % sorted(APIS))
    assert window_action_problems(list(APIS.values()), str(tmp_path)) == []
    assert window_action_problems(list(APIS.values()) + [toy_api()], str(tmp_path)) == [
        "%s: the api option's choices differ from APIS (missing: toy; not registered: none); derive them: choices=sorted(APIS)" % WINDOW_ACTION]
