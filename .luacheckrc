std = "lua54"
max_line_length = 110
files["spec/**"] = { std = "+busted" }
files["lua/lmigrate/output.lua"] = { ignore = { "212/self" } }
-- the real apps' ports keep upstream's empty down() methods, call for call
files["spec/fixtures/koel/**"] = { ignore = { "212/self" } }
files["spec/fixtures/lychee/**"] = { ignore = { "212/self" } }
