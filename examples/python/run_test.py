import unittest

from app import greeting


class GreetingTest(unittest.TestCase):
    def test_greets_by_name(self):
        self.assertEqual(greeting("ci"), '{"hello": "ci"}')


if __name__ == "__main__":
    unittest.main(verbosity=2)
