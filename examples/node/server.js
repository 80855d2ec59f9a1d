const deps = ["left-pad", "is-even"].map((d) => require("./node_modules/" + d));
console.log("app running with " + deps.join(", "));
