import "../helpers.js";
import { testDocument } from "./code-blocks.js";

testDocument("docs/recurrent.md", 3);
