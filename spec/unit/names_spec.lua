-- lmigrate.names: the one converter between class names and file names,
-- shared by make:migration, make:seed and self:call.
local names = require("lmigrate.names")
local errors = require("lmigrate.errors")

describe("lmigrate.names", function()
  describe("snake()", function()
    for _, case in ipairs {
      { "PostSeeder", "post_seeder" },
      { "Post2Seeder", "post2_seeder" },        -- make:seed and self:call once disagreed here
      { "DatabaseSeeder", "database_seeder" },
      { "HTTPRequestSeeder", "http_request_seeder" },
      { "create posts table", "create_posts_table" },
      { "create-posts-table", "create_posts_table" },
      { "create__posts_", "create_posts" },
      { "postsTable", "posts_table" },
      { "already_snake", "already_snake" },
      { "V2", "v2" },
    } do
      it(("%q -> %q"):format(case[1], case[2]), function()
        assert.equals(case[2], names.snake(case[1]))
      end)
    end
  end)

  describe("class()", function()
    for _, case in ipairs {
      { "post_seeder", "PostSeeder" },
      { "post2_seeder", "Post2Seeder" },
      { "create_posts_table", "CreatePostsTable" },
    } do
      it(("%q -> %q"):format(case[1], case[2]), function()
        assert.equals(case[2], names.class(case[1]))
      end)
    end
  end)

  describe("parse()", function()
    it("gives the file name and the class name", function()
      local snake, class = names.parse("Post2Seeder", "seeder")
      assert.equals("post2_seeder", snake)
      assert.equals("Post2Seeder", class)
    end)

    it("round-trips: the file self:call loads is the one make:seed writes", function()
      for _, n in ipairs { "PostSeeder", "Post2Seeder", "ABCSeeder", "users2FA", "x1y2" } do
        local snake, class = names.parse(n, "seeder")
        assert.equals(snake, names.snake(class))
      end
    end)

    for _, case in ipairs {
      { "", "needs a name" },
      { "bad/name", "'/' is not allowed" },
      { "bad\nname", "byte 10 is not allowed" },
      { "___", "has no letter or digit" },
      { "2fast", "must start with a letter" },
    } do
      it(("refuses %q as bad usage"):format(case[1]), function()
        local ok, err = pcall(names.parse, case[1], "seeder")
        assert.is_false(ok)
        assert.is_true(errors.is(err))
        assert.equals("usage", err.kind)
        assert.equals(2, err:exit_status())
        assert.truthy(err.message:find(case[2], 1, true), err.message)
      end)
    end
  end)
end)
