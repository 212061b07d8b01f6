-- Pterodactyl Panel's migrations, ported call for call (spec/fixtures/pterodactyl), run up,
-- down and fresh by the checks of spec/support/real_apps_suite.lua
require("spec.support.real_apps_suite")("pterodactyl")
