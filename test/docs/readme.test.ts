import "../helpers.js";
import { testDocument } from "./code-blocks.js";

// The README's examples are the first code a new user runs: each must print what it shows.
testDocument("README.md", 5);
