import json


def greeting(name):
    return json.dumps({"hello": name})


if __name__ == "__main__":
    print(greeting("strata"))
