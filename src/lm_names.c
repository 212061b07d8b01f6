/*
** lm_names.c
** The English the schema builder speaks to name things as Laravel does:
** plurals and singulars (constrained() guesses a table from a column,
** foreign_id_for a column from a table) and a model's foreign key column.
*/
#include <ctype.h>
#include <string.h>

#include "lmigrate.h"
#include "lm_schema.h"

/*
** {======================================================
** Plural and singular
** =======================================================
*/

/*
** The plural is Laravel's Str::plural, which is Doctrine Inflector's
** English rules (Laravel 12 ships doctrine/inflector 2): a word that does
** not inflect stays, an irregular word is looked up whole, and otherwise
** the first of the regular rules whose pattern ends the word rewrites its
** end. Patterns match in any case; the ending written keeps the case of
** a word in capitals (Laravel's matchCase). constrained() guesses its
** table with it: person_id -> people, category_id -> categories.
*/

/* the words that do not inflect, whole (Doctrine's Uninflected::getPlural
   and Laravel's Pluralizer::$uncountable); the patterns \w+media,
   \w+ware, sea[- ]bass are in 'uninflected' */
static const char *const uncountable[] = {
  "advice", "aircraft", "amoyese", "art", "audio", "baggage", "bison",
  "borghese", "bream", "breeches", "britches", "buffalo", "butter", "cantus",
  "carp", "chassis", "clippers", "clothing", "coal", "cod", "coitus",
  "compensation", "congoese", "contretemps", "coreopsis", "corps", "cotton",
  "data", "debris", "deer", "diabetes", "djinn", "education", "eland", "elk",
  "emoji", "equipment", "evidence", "experience", "faroese", "feedback",
  "fish", "flounder", "flour", "foochowese", "food", "furniture", "gallows",
  "genevese", "genoese", "gilbertese", "gold", "headquarters", "herpes",
  "hijinks", "homework", "hottentotese", "impatience", "information",
  "innings", "jackanapes", "jeans", "jedi", "kiplingese", "knowledge",
  "kongoese", "leather", "love", "lucchese", "luggage", "mackerel", "maltese",
  "management", "metadata", "mews", "money", "moose", "mumps", "music",
  "nankingese", "news", "nexus", "niasese", "nutrition", "offspring", "oil",
  "patience", "pekingese", "piedmontese", "pincers", "pistoiese", "plankton",
  "pliers", "pokemon", "police", "polish", "portuguese", "proceedings",
  "progress", "rabies", "rain", "research", "rhinoceros", "rice", "salmon",
  "sand", "sarawakese", "scissors", "series", "shavese", "shears", "sheep",
  "siemens", "silk", "sms", "soap", "social media", "spam", "species",
  "staff", "sugar", "swine", "talent", "toothpaste", "traffic", "travel",
  "trousers", "trout", "tuna", "us", "vermontese", "vinegar", "weather",
  "wenchowese", "wheat", "whiting", "wildebeest", "wood", "wool", "work",
  "yengeese", "people", "trivia", "media", "recommended", "related", NULL
};

/* Doctrine's Inflectible::getIrregular, singular and plural, whole words */
static const char *const irregular[][2] = {
  {"atlas", "atlases"}, {"axis", "axes"}, {"axe", "axes"}, {"beef", "beefs"},
  {"blouse", "blouses"}, {"brother", "brothers"}, {"cafe", "cafes"},
  {"cave", "caves"}, {"chateau", "chateaux"}, {"niveau", "niveaux"},
  {"child", "children"}, {"canvas", "canvases"}, {"cookie", "cookies"},
  {"brownie", "brownies"}, {"corpus", "corpuses"}, {"cow", "cows"},
  {"criterion", "criteria"}, {"curriculum", "curricula"}, {"demo", "demos"},
  {"domino", "dominoes"}, {"echo", "echoes"}, {"epoch", "epochs"},
  {"foot", "feet"}, {"fungus", "fungi"}, {"ganglion", "ganglions"},
  {"gas", "gases"}, {"genie", "genies"}, {"genus", "genera"},
  {"goose", "geese"}, {"graffito", "graffiti"}, {"hippopotamus", "hippopotami"},
  {"hoof", "hoofs"}, {"human", "humans"}, {"iris", "irises"},
  {"larva", "larvae"}, {"leaf", "leaves"}, {"lens", "lenses"},
  {"loaf", "loaves"}, {"man", "men"}, {"medium", "media"},
  {"memorandum", "memoranda"}, {"money", "monies"}, {"mongoose", "mongooses"},
  {"motto", "mottoes"}, {"move", "moves"}, {"mythos", "mythoi"},
  {"niche", "niches"}, {"nucleus", "nuclei"}, {"numen", "numina"},
  {"occiput", "occiputs"}, {"octopus", "octopuses"}, {"opus", "opuses"},
  {"ox", "oxen"}, {"passerby", "passersby"}, {"penis", "penises"},
  {"person", "people"}, {"plateau", "plateaux"}, {"runner-up", "runners-up"},
  {"safe", "safes"}, {"sex", "sexes"}, {"sieve", "sieves"},
  {"soliloquy", "soliloquies"}, {"son-in-law", "sons-in-law"},
  {"syllabus", "syllabi"}, {"testis", "testes"}, {"thief", "thieves"},
  {"tooth", "teeth"}, {"tornado", "tornadoes"}, {"trilby", "trilbys"},
  {"turf", "turfs"}, {"valve", "valves"}, {"volcano", "volcanoes"},
  {"abuse", "abuses"}, {"avalanche", "avalanches"}, {"cache", "caches"},
  {"curve", "curves"}, {"emphasis", "emphases"}, {"foe", "foes"},
  {"grave", "graves"}, {"hoax", "hoaxes"}, {"neurosis", "neuroses"},
  {"save", "saves"}, {"wave", "waves"}, {"oasis", "oases"},
  {"zombie", "zombies"}, {NULL, NULL}
};

/*
** Doctrine's Inflectible::getPlural, in its order: a word ending in one
** of 'ends' (a '|' list; "^ox" is the whole word) loses 'drop' bytes and
** gains 'add'. The rules with a character class are in 'regular'.
*/
static const struct { const char *ends; int drop; const char *add; } plurals[] = {
  {"status", 0, "es"}, {"quiz", 0, "zes"}, {"^ox", 0, "en"},
  {"mouse|louse", 4, "ice"},
  {"matrix|matrex|vertix|vertex|indix|index", 2, "ices"},
  {"x|ch|ss|sh", 0, "es"},
  {NULL, 0, NULL},   /* ([^aeiouy]|qu)y$ -> ies */
  {"hive|gulf", 0, "s"},
  {NULL, 0, NULL},   /* (?:([^f])fe|([lr])f)$ -> ves */
  {"sis", 2, "es"}, {"tum|ium", 2, "a"}, {"taxon", 2, "a"},
  {"criterion", 2, "a"}, {"person", 5, "eople"}, {"man", 2, "en"},
  {"child", 0, "ren"}, {"foot", 3, "eet"},
  {"buffalo|hero|potato|tomato|volcano", 0, "es"},
  {"alumnus|bacillus|cactus|focus|fungus|nucleus|radius|stimulus|syllabus|"
   "terminus|virus", 2, "i"},
  {"us", 0, "es"}, {"alias", 0, "es"},
  {"analysis|axis|crisis|testis|thesis", 2, "es"},
  {"s", 0, ""}
};

static int lower (int ch) {
  return (ch >= 'A' && ch <= 'Z') ? ch - 'A' + 'a' : ch;
}

/* 'word' of 'n' bytes is 's', or ends with it (suffix), in any case */
static int iends (const char *word, size_t n, const char *s, size_t k, int whole) {
  size_t i;
  if (k > n || (whole && k != n)) return 0;
  for (i = 0; i < k; i++) {
    if (lower((unsigned char)word[n - k + i]) != s[i]) return 0;
  }
  return 1;
}

/* 'word' ends with one of the '|' list 'ends' ("^x": is x) */
static int endsinany (const char *word, size_t n, const char *ends) {
  while (*ends) {
    size_t k = strcspn(ends, "|");
    int whole = *ends == '^';
    if (iends(word, n, ends + whole, k - whole, whole)) return 1;
    ends += k + (ends[k] == '|');
  }
  return 0;
}

/* \w+media, \w+ware, sea[- ]bass and the uncountable words, whole */
static int uninflected (const char *word, size_t n) {
  int i;
  size_t j;
  if ((n > 5 && iends(word, n, "media", 5, 0)) || (n > 4 && iends(word, n, "ware", 4, 0))) {
    for (j = 0; j < n && (isalnum((unsigned char)word[j]) || word[j] == '_'); j++) {}
    return j == n;
  }
  if (iends(word, n, "sea bass", 8, 1) || iends(word, n, "sea-bass", 8, 1)) return 1;
  for (i = 0; uncountable[i] != NULL; i++) {
    if (iends(word, n, uncountable[i], strlen(uncountable[i]), 1)) return 1;
  }
  return 0;
}

/* the regular rule of the word: its drop and ending; 0: none, add "s" */
static int regular (const char *word, size_t n, int *drop, const char **add) {
  size_t i;
  for (i = 0; i < sizeof(plurals) / sizeof(plurals[0]); i++) {
    char last = n > 0 ? (char)lower((unsigned char)word[n - 1]) : '\0';
    char prev = n > 1 ? (char)lower((unsigned char)word[n - 2]) : '\0';
    if (plurals[i].ends != NULL) {
      if (!endsinany(word, n, plurals[i].ends)) continue;
      *drop = plurals[i].drop;
      *add = plurals[i].add;
      return 1;
    }
    if (i == 6 && last == 'y' && n > 1 && (strchr("aeiouy", prev) == NULL ||
                                           iends(word, n - 1, "qu", 2, 0))) {
      *drop = 1; *add = "ies";
      return 1;
    }
    if (i == 8 && ((last == 'e' && prev == 'f' && n > 2 &&
                    lower((unsigned char)word[n - 3]) != 'f') ||
                   (last == 'f' && (prev == 'l' || prev == 'r')))) {
      *drop = last == 'e' ? 2 : 1; *add = "ves";
      return 1;
    }
  }
  return 0;
}

/* adds 's' in capitals when 'caps' */
static void addcase (luaL_Buffer *b, const char *s, int caps) {
  for (; *s; s++)
    luaL_addchar(b, caps && *s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s);
}

/* the plural of 'word' of 'n' bytes, as Laravel's Str::plural */
void lm_addplural (luaL_Buffer *b, const char *word, size_t n) {
  int i, caps = 0, drop = 0;
  const char *add = "s";
  size_t j;
  for (j = 0; j < n; j++) {   /* capitals and no small letter */
    if (word[j] >= 'a' && word[j] <= 'z') { caps = 0; break; }
    if (word[j] >= 'A' && word[j] <= 'Z') caps = 1;
  }
  /* Laravel's: a word not ending in a letter or digit (any byte of a
     UTF-8 character is one) stays */
  if (n == 0 || uninflected(word, n) ||
      !(isalnum((unsigned char)word[n - 1]) || (unsigned char)word[n - 1] >= 0x80)) {
    luaL_addlstring(b, word, n);
    return;
  }
  for (i = 0; irregular[i][0] != NULL; i++) {
    const char *from = irregular[i][0];
    if (iends(word, n, from, strlen(from), 1)) {
      luaL_addchar(b, word[0]);   /* its first letter's case, as Doctrine */
      addcase(b, irregular[i][1] + 1, caps);
      return;
    }
  }
  regular(word, n, &drop, &add);
  luaL_addlstring(b, word, n - (size_t)drop);
  addcase(b, add, caps);
}

/* 'word' of 'n' bytes ends with 'suffix' */
static int endswith (const char *word, size_t n, const char *suffix) {
  size_t k = strlen(suffix);
  return n > k && memcmp(word + n - k, suffix, k) == 0;
}

/*
** The singular of 'word' of 'n' bytes, the regular rules read backwards:
** categories -> category, addresses -> address, boxes -> box, users ->
** user; a word not ending in 's' (or ending in ss, us, is) stays
*/
void lm_addsingular (luaL_Buffer *b, const char *word, size_t n) {
  static const char *const es[] = {"sses", "xes", "zzes", "ches", "shes", NULL};
  int i;
  if (endswith(word, n, "ies")) {
    luaL_addlstring(b, word, n - 3);
    luaL_addchar(b, 'y');
    return;
  }
  for (i = 0; es[i] != NULL; i++) {
    if (endswith(word, n, es[i])) {
      luaL_addlstring(b, word, n - 2);
      return;
    }
  }
  if (endswith(word, n, "s") && !endswith(word, n, "ss") &&
      !endswith(word, n, "us") && !endswith(word, n, "is"))
    n--;
  luaL_addlstring(b, word, n);
}

/* }====================================================== */


/*
** The foreign key column of a model or table at 'arg', Laravel's
** getForeignKey(): the snake_case name of the model, singular, "_id":
** "User" and "App.Models.User" -> user_id, "BlogPost" -> blog_post_id,
** and a table name, all lowercase, made singular: "users" -> user_id
*/
const char *lm_modelkey (lua_State *L, lm_Blueprint *bp, int arg) {
  const char *model = lm_checkstr(L, arg, "model or table name"), *p;
  luaL_Buffer b;
  size_t i;
  int upper = 0;
  for (p = model; *p; p++) {   /* the class basename */
    if (*p == '\\' || *p == '.') model = p + 1;
  }
  luaL_argcheck(L, *model != '\0', arg, "model or table name expected");
  luaL_buffinit(L, &b);
  for (i = 0; model[i] != '\0'; i++) {
    char ch = model[i];
    if (ch >= 'A' && ch <= 'Z') {
      if (i > 0 && model[i - 1] != '_') luaL_addchar(&b, '_');
      luaL_addchar(&b, (char)(ch - 'A' + 'a'));
      upper = 1;
    }
    else luaL_addchar(&b, ch);
  }
  luaL_pushresult(&b);
  if (!upper) {   /* a table name */
    luaL_buffinit(L, &b);
    lm_addsingular(&b, lua_tostring(L, -2), lua_rawlen(L, -2));
    luaL_pushresult(&b);
    lua_remove(L, -2);
  }
  p = lm_bpstrdup(L, bp, lua_pushfstring(L, "%s_id", lua_tostring(L, -1)));
  lua_pop(L, 2);
  return p;
}

