-- Coolify's migrations, ported call for call (spec/fixtures/coolify), run up, down and fresh
-- by the checks of spec/support/real_apps_suite.lua
require("spec.support.real_apps_suite")("coolify")
