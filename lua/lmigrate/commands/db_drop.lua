-- lmigrate db:drop [options]: drops the database of each connection
-- (lmigrate.run.admin); guarded: in production it asks first, or needs --force
return require("lmigrate.run.admin").command("drop")
