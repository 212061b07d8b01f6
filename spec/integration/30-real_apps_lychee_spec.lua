-- Lychee's migrations, ported call for call (spec/fixtures/lychee), run up, down and
-- fresh by the checks of spec/support/real_apps_suite.lua
require("spec.support.real_apps_suite")("lychee")
