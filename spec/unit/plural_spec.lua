-- The plural constrained() guesses its table with (foreign_id("x_id") ->
-- the plural of x), and foreign_id_for a model's table; the singular
-- foreign_id_for("people") names its column with: Laravel's Str::plural and
-- Str::singular, which are Doctrine Inflector's English rules (uninflected
-- words, irregular ones, then the regular endings), with Laravel's own
-- cases (tests/Support/SupportPluralizerTest.php) and the inflector's.
local core = require("lmigrate.core")

-- the table constrained() references from column 'word'_id
local function plural(word)
  local t = core.blueprint("t", "create")
  t:foreign_id(word .. "_id"):constrained()
  return t:describe().commands[1].ref_table
end

describe("the plural of constrained()'s table", function()
  for _, case in ipairs {
    -- Laravel's SupportPluralizerTest
    { "child", "children" }, { "cod", "cod" }, { "The word", "The words" },
    { "Bouqueté", "Bouquetés" }, { "Child", "Children" }, { "CHILD", "CHILDREN" },
    { "Test", "Tests" }, { "cHiLd", "children" }, { "VortexField", "VortexFields" },
    { "MatrixField", "MatrixFields" }, { "IndexField", "IndexFields" },
    { "VertexField", "VertexFields" }, { "RealHuman", "RealHumen" },
    { "Alien.", "Alien." }, { "Alien!", "Alien!" }, { "50%", "50%" }, { "User1", "User1s" },
    { "CD", "CDS" }, { "URL", "URLS" },
    -- irregular words
    { "person", "people" }, { "man", "men" }, { "woman", "women" }, { "foot", "feet" },
    { "tooth", "teeth" }, { "goose", "geese" }, { "ox", "oxen" }, { "leaf", "leaves" },
    { "criterion", "criteria" }, { "medium", "media" }, { "safe", "safes" }, { "cafe", "cafes" },
    { "Person", "People" }, { "PERSON", "PEOPLE" },
    -- uninflected words (Doctrine's list and Laravel's $uncountable)
    { "sheep", "sheep" }, { "equipment", "equipment" }, { "news", "news" },
    { "series", "series" }, { "species", "species" }, { "information", "information" },
    { "user_media", "user_media" }, { "software", "software" }, { "related", "related" },
    { "sea bass", "sea bass" },
    -- the regular endings, in the inflector's order
    { "status", "statuses" }, { "order_status", "order_statuses" }, { "quiz", "quizzes" },
    { "mouse", "mice" }, { "house", "houses" }, { "matrix", "matrices" }, { "index", "indices" },
    { "vertex", "vertices" }, { "box", "boxes" }, { "church", "churches" }, { "wish", "wishes" },
    { "address", "addresses" }, { "category", "categories" }, { "blog_category", "blog_categories" },
    { "company", "companies" }, { "colloquy", "colloquies" }, { "day", "days" }, { "key", "keys" },
    { "toy", "toys" }, { "hive", "hives" }, { "gulf", "gulfs" }, { "wife", "wives" },
    { "knife", "knives" }, { "half", "halves" }, { "wolf", "wolves" }, { "roof", "roofs" },
    { "analysis", "analyses" }, { "datum", "data" }, { "aquarium", "aquaria" },
    { "taxon", "taxa" }, { "sales_person", "sales_people" }, { "grandchild", "grandchildren" },
    { "hero", "heroes" }, { "potato", "potatoes" }, { "photo", "photos" }, { "cactus", "cacti" },
    { "radius", "radii" }, { "bus", "buses" }, { "campus", "campuses" }, { "alias", "aliases" },
    { "crisis", "crises" }, { "users", "users" }, { "user", "users" }, { "blog_post", "blog_posts" },
  } do
    it(("%s -> %s"):format(case[1], case[2]), function()
      assert.equals(case[2], plural(case[1]))
    end)
  end

  it("names the table of foreign_id_for(model) too", function()
    local t = core.blueprint("t", "create")
    t:foreign_id_for("Person"):constrained()
    assert.equals("people", t:describe().commands[1].ref_table)
  end)
end)

-- the column foreign_id_for(table) names: the table's singular .. "_id"
local function singular(word)
  local t = core.blueprint("t", "create")
  t:foreign_id_for(word)
  return (t:describe().columns[1].name:gsub("_id$", ""))
end

describe("the singular of foreign_id_for's table", function()
  for _, case in ipairs {
    { "children", "child" }, { "people", "person" }, { "men", "man" }, { "feet", "foot" },
    { "geese", "goose" }, { "oxen", "ox" }, { "criteria", "criterion" }, { "media", "medium" },
    { "axes", "axe" }, { "data", "data" }, { "news", "news" }, { "sheep", "sheep" },
    { "glasses", "glass" }, { "statuses", "status" }, { "status", "status" }, { "campus", "campus" },
    { "menus", "menu" }, { "quizzes", "quiz" }, { "matrices", "matrix" }, { "indices", "index" },
    { "aliases", "alias" }, { "heroes", "hero" }, { "cacti", "cactus" }, { "taxes", "tax" },
    { "analyses", "analysis" }, { "shoes", "shoe" }, { "houses", "house" }, { "buses", "bus" },
    { "mice", "mouse" }, { "boxes", "box" }, { "churches", "church" }, { "movies", "movie" },
    { "series", "series" }, { "categories", "category" }, { "blog_categories", "blog_category" },
    { "days", "day" }, { "wolves", "wolf" }, { "knives", "knife" }, { "lives", "life" },
    { "olives", "olive" }, { "drives", "drive" }, { "users", "user" }, { "blog_posts", "blog_post" },
  } do
    it(("%s -> %s"):format(case[1], case[2]), function()
      assert.equals(case[2], singular(case[1]))
    end)
  end
end)
