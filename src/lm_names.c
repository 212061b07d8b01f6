/*
** lm_names.c
** The English the schema builder speaks to name things as Laravel does:
** plurals and singulars as Laravel's Str::plural and Str::singular make
** them, which are Doctrine Inflector's English rules (Laravel 12 ships
** doctrine/inflector 2), and a model's foreign key column. A word that
** does not inflect stays, an irregular word is looked up whole, and
** otherwise the first of the regular rules whose pattern ends the word
** rewrites its end. Patterns match in any case; the ending written keeps
** the case of a word in capitals (Laravel's matchCase). constrained()
** guesses its table with the plural (person_id -> people), foreign_id_for
** a table's key column with the singular (people -> person_id).
*/
#include <ctype.h>
#include <string.h>

#include "lmigrate.h"
#include "lm_schema.h"


/*
** {======================================================
** The words
** =======================================================
*/

/* the words that do not inflect either way, whole (Doctrine's
   Uninflected::getDefault); the patterns \w+media,
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
  "yengeese", NULL
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
** A regular rule: a word ending in one of 'ends' (a '|' list; "^x" is the
** whole word x) where the byte before that ending passes 'before' loses
** 'drop' bytes and gains 'add'. 'before' is NULL (any, or none) or "!set"
** (there is one, not in set), "!set+qu" (or the ending follows "qu").
*/
typedef struct Rule { const char *ends, *before; int drop; const char *add; } Rule;

/* Doctrine's Inflectible::getPlural, in its order */
static const Rule plurals[] = {
  {"status", NULL, 0, "es"}, {"quiz", NULL, 0, "zes"}, {"^ox", NULL, 0, "en"},
  {"mouse|louse", NULL, 4, "ice"},
  {"matrix|matrex|vertix|vertex|indix|index", NULL, 2, "ices"},
  {"x|ch|ss|sh", NULL, 0, "es"},
  {"y", "!aeiouy+qu", 1, "ies"},
  {"hive|gulf", NULL, 0, "s"},
  {"fe", "!f", 2, "ves"}, {"lf|rf", NULL, 1, "ves"},
  {"sis", NULL, 2, "es"}, {"tum|ium", NULL, 2, "a"}, {"taxon", NULL, 2, "a"},
  {"criterion", NULL, 2, "a"}, {"person", NULL, 5, "eople"}, {"man", NULL, 2, "en"},
  {"child", NULL, 0, "ren"}, {"foot", NULL, 3, "eet"},
  {"buffalo|hero|potato|tomato|volcano", NULL, 0, "es"},
  {"alumnus|bacillus|cactus|focus|fungus|nucleus|radius|stimulus|syllabus|"
   "terminus|virus", NULL, 2, "i"},
  {"us", NULL, 0, "es"}, {"alias", NULL, 0, "es"},
  {"analysis|axis|crisis|testis|thesis", NULL, 2, "es"},
  {"s", NULL, 0, ""},
  {NULL, NULL, 0, NULL}
};

/* Doctrine's Inflectible::getSingular, in its order */
static const Rule singulars[] = {
  {"statuses", NULL, 2, ""}, {"status|campus", NULL, 0, ""}, {"menus", NULL, 1, ""},
  {"quizzes", NULL, 3, ""}, {"matrices", NULL, 4, "ix"},
  {"vertices|indices", NULL, 4, "ex"}, {"^oxen", NULL, 2, ""},
  {"aliases", NULL, 2, ""}, {"alias", NULL, 0, ""},
  {"buffaloes|heroes|potatoes|tomatoes|volcanoes", NULL, 2, ""},
  {"alumni|bacilli|cacti|foci|fungi|nuclei|radii|stimuli|syllabi|termini|"
   "vii|viri", NULL, 1, "us"},
  {"faxes|taxes|waxes", NULL, 2, ""},
  {"analyses|axes|crises|testes|theses", NULL, 2, "is"},
  {"shoes|slaves", NULL, 1, ""}, {"oes", NULL, 2, ""}, {"ouses", NULL, 1, ""},
  {"uses", "!a", 2, ""}, {"mice|lice", NULL, 3, "ouse"},
  {"xes|ches|sses|shes", NULL, 2, ""}, {"movies", NULL, 1, ""},
  {"series", NULL, 0, ""}, {"ies", "!aeiouy+qu", 3, "y"},
  {"lves|rves", NULL, 3, "f"}, {"tives|hives|drives|dives|olives", NULL, 1, ""},
  {"ves", "!fo", 3, "fe"},
  {"diagnoses|^bases|parentheses|prognoses|synopses", NULL, 2, "is"},
  {"taxa|criteria", NULL, 1, "on"}, {"ta|ia", NULL, 1, "um"},
  {"people", NULL, 5, "erson"}, {"men", NULL, 2, "an"}, {"children", NULL, 3, ""},
  {"feet", NULL, 3, "oot"}, {"news", NULL, 0, ""}, {"eaus", NULL, 1, ""},
  {"^tights|^shorts", NULL, 0, ""}, {"s", NULL, 1, ""},
  {NULL, NULL, 0, NULL}
};

/* the words the plural leaves, whole, besides 'uncountable' (Doctrine's
   Uninflected::getPlural: \w+ware too; Laravel's Pluralizer::$uncountable) */
static const char *const plural_only[] = {
  "people", "trivia", "media", "recommended", "related", NULL
};

/* the words the singular leaves, whole, besides 'uncountable' (Doctrine's
   Uninflected::getSingular: .*ss too; people, media, *ware are not) */
static const char *const singular_only[] = {
  "clothes", "data", "fascia", "fuchsia", "galleria", "mafia", "militia",
  "pants", "petunia", "sepia", "trivia", "utopia", NULL
};

/* }====================================================== */


/*
** {======================================================
** Matching
** =======================================================
*/

static int lower (int ch) {
  return (ch >= 'A' && ch <= 'Z') ? ch - 'A' + 'a' : ch;
}

/* 'word' of 'n' bytes is 's' of 'k' (whole) or ends with it, in any case */
static int iends (const char *word, size_t n, const char *s, size_t k, int whole) {
  size_t i;
  if (k > n || (whole && k != n)) return 0;
  for (i = 0; i < k; i++) {
    if (lower((unsigned char)word[n - k + i]) != s[i]) return 0;
  }
  return 1;
}

/* the byte before an ending of 'k' bytes passes 'before' */
static int passes (const char *word, size_t n, size_t k, const char *before) {
  const char *qu, *p;
  int ch;
  if (before == NULL) return 1;
  qu = strchr(before, '+');
  if (qu != NULL && iends(word, n - k, qu + 1, strlen(qu + 1), 0)) return 1;
  if (n <= k) return 0;
  ch = lower((unsigned char)word[n - k - 1]);
  for (p = before + 1; *p && *p != '+'; p++) {   /* "!set": not one of set */
    if (*p == ch) return 0;
  }
  return 1;
}

static int matches (const char *word, size_t n, const Rule *r) {
  const char *e = r->ends;
  while (*e) {
    size_t k = strcspn(e, "|");
    int whole = *e == '^';
    if (iends(word, n, e + whole, k - whole, whole) && passes(word, n, k - whole, r->before))
      return 1;
    e += k + (e[k] == '|');
  }
  return 0;
}

static int inlist (const char *word, size_t n, const char *const *list) {
  for (; *list != NULL; list++) {
    if (iends(word, n, *list, strlen(*list), 1)) return 1;
  }
  return 0;
}

/* a word of letters, digits and '_' ending in 'end' after one at least */
static int wordending (const char *word, size_t n, const char *end) {
  size_t j, k = strlen(end);
  if (n <= k || !iends(word, n, end, k, 0)) return 0;
  for (j = 0; j < n && (isalnum((unsigned char)word[j]) || word[j] == '_'); j++) {}
  return j == n;
}

/* the words that do not inflect: Doctrine's patterns and lists */
static int uninflected (const char *word, size_t n, int plural) {
  if (wordending(word, n, "media") || iends(word, n, "sea bass", 8, 1) ||
      iends(word, n, "sea-bass", 8, 1) || inlist(word, n, uncountable))
    return 1;
  if (plural)
    return wordending(word, n, "ware") || inlist(word, n, plural_only);
  return iends(word, n, "ss", 2, 0) || inlist(word, n, singular_only);
}

/* adds 's' in capitals when 'caps' */
static void addcase (luaL_Buffer *b, const char *s, int caps) {
  for (; *s; s++)
    luaL_addchar(b, caps && *s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s);
}

/*
** The inflection of 'word' of 'n' bytes, Doctrine's RulesetInflector with
** Laravel's Pluralizer around it; 'plural' picks the direction
*/
static void inflect (luaL_Buffer *b, const char *word, size_t n, int plural) {
  const Rule *r = plural ? plurals : singulars;
  int i, caps = 0, col = plural ? 0 : 1;
  size_t j;
  for (j = 0; j < n; j++) {   /* capitals and no small letter: matchCase */
    if (word[j] >= 'a' && word[j] <= 'z') { caps = 0; break; }
    if (word[j] >= 'A' && word[j] <= 'Z') caps = 1;
  }
  /* Laravel's plural: a word not ending in a letter or digit (any byte of
     a UTF-8 character is one) stays */
  if (n == 0 || uninflected(word, n, plural) || (plural &&
      !(isalnum((unsigned char)word[n - 1]) || (unsigned char)word[n - 1] >= 0x80))) {
    luaL_addlstring(b, word, n);
    return;
  }
  for (i = 0; irregular[i][0] != NULL; i++) {}
  while (--i >= 0) {   /* the last of a word's entries, as Doctrine's map keeps */
    const char *from = irregular[i][col];
    if (iends(word, n, from, strlen(from), 1)) {
      luaL_addchar(b, word[0]);   /* its first letter's case, as Doctrine */
      addcase(b, irregular[i][1 - col] + 1, caps);
      return;
    }
  }
  for (; r->ends != NULL && !matches(word, n, r); r++) {}
  if (r->ends == NULL) {   /* no rule: the plural adds "s", the singular stays */
    luaL_addlstring(b, word, n);
    if (plural) addcase(b, "s", caps);
    return;
  }
  luaL_addlstring(b, word, n - (size_t)r->drop);
  addcase(b, r->add, caps);
}

/* }====================================================== */


/* the plural of 'word' of 'n' bytes, as Laravel's Str::plural */
void lm_addplural (luaL_Buffer *b, const char *word, size_t n) {
  inflect(b, word, n, 1);
}

/* the singular, as Str::singular: people -> person, categories -> category */
void lm_addsingular (luaL_Buffer *b, const char *word, size_t n) {
  inflect(b, word, n, 0);
}


/*
** {======================================================
** A model's key column
** =======================================================
*/

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

/* }====================================================== */
