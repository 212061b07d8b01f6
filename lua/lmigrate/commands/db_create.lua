-- lmigrate db:create [options]: creates the database of each connection
-- (lmigrate.run.admin); one that exists already is left as it is
return require("lmigrate.run.admin").command("create")
