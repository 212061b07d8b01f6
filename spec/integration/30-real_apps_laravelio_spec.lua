-- Laravel.io's migrations, ported call for call (spec/fixtures/laravelio), run up and
-- fresh by the checks of spec/support/real_apps_suite.lua
require("spec.support.real_apps_suite")("laravelio")
