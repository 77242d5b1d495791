// ESLint over the browser code (softphone_web/js: plain ES modules, no build step) and its
// node tests (tests/js). Recommended rules, browser globals, module source type.
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["softphone_web/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.browser },
    },
    rules: {
      // `const { totals, ...body } = result` leaves out a field on purpose; a base class names the
      // arguments its subclasses get with a leading underscore.
      "no-unused-vars": ["error", { ignoreRestSiblings: true, argsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["tests/js/**/*.js", "eslint.config.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: { ...globals.node },
    },
  },
];
