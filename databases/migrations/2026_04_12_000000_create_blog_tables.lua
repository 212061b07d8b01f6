-- The example project's blog: users write posts, posts carry tags and media.
-- Both foreign key styles of the contract appear: foreign_id():constrained()
-- and foreign():references():on(). Keys are id() and foreign_id(): the
-- same integer type on every dialect, as MySQL's foreign keys require.
local Migration = require("lmigrate.migration")

local CreateBlogTables = Migration:extend("CreateBlogTables")

function CreateBlogTables:up()
  self.schema:create("users", function(table)
    table:id()
    table:string("name")
    table:string("email"):unique()
    table:string("password")
    table:timestamps()
  end)

  self.schema:create("posts", function(table)
    table:id()
    table:foreign_id("user_id"):constrained():on_delete("cascade")
    table:string("title")
    table:string("slug"):unique()
    table:text("body")
    table:datetime("published_at"):nullable()
    table:timestamps()
  end)

  self.schema:create("tags", function(table)
    table:id()
    table:string("name"):unique()
    table:string("slug"):unique()
  end)

  self.schema:create("post_tag", function(table)
    table:foreign_id("post_id")
    table:foreign_id("tag_id")
    table:foreign("post_id"):references("id"):on("posts"):on_delete("cascade")
    table:foreign("tag_id"):references("id"):on("tags"):on_delete("cascade")
    table:primary({ "post_id", "tag_id" })
  end)

  self.schema:create("media", function(table)
    table:id()
    table:foreign_id("post_id")
    table:foreign("post_id"):references("id"):on("posts"):on_delete("cascade")
    table:string("disk")
    table:string("path")
    table:string("mime_type")
    table:unsigned_integer("size")
    table:timestamps()
  end)
end

function CreateBlogTables:down()
  self.schema:drop("media")
  self.schema:drop("post_tag")
  self.schema:drop("tags")
  self.schema:drop("posts")
  self.schema:drop("users")
end

return CreateBlogTables
